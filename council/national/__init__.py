"""Headquarters' own events (全国): the demo's forums, Cluster Japan and seminar series."""
