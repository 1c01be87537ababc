"""Analysis for headquarters: funding by block × research field (funding/) and the
collaboration network of each region (network/)."""
