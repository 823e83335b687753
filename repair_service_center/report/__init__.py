from . import repair_workload_report
