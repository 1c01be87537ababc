"""The portal's own access statistics: page views buffered per process, written in batches."""
