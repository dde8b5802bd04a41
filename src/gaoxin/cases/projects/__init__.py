"""招商引资 and the project life cycle: leads (`investment-lead` flow) and projects (`project-standard` flow)
are case domains on the shared ledger (gaoxin.cases.ledger) — their own header fields, node plans and rules
as data in their flow files, one event log. `plan` derives node plans and the three colours, `commitments`
checks the 标准地 numbers against the imported facts and the 亩均 run, `leads` and `ledger` enter and move
cases, `desk` is what a web user may see and do."""
