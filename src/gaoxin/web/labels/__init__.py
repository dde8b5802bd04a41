"""English labels of one feature each (``labels/<feature>.py`` with a dict ``EN``), merged into
`gaoxin.web.i18n.EN` at import: a feature keeps its own texts instead of growing one shared file."""
