"""ProRail's registry exports -> the mesoscopic network: read (registry), derive, overlay, build."""
