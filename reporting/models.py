# Reports, their snapshots and versions arrive with the reporting issue.
