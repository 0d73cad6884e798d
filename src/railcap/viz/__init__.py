"""Views for people: diagrams, maps and terminal tables.

``railcap.viz.spacetime`` computes what a space–time diagram shows (corridor,
train lines, blocking boxes); ``railcap.viz.diagram`` draws it with plotly or
matplotlib; ``railcap.viz.plan`` renders a plan as terminal tables and
``railcap.viz.tables`` holds the compact table style. The package imports
none of them itself, so that a command importing one view (a table) does not
load the others (plotly, the path search).
"""
