"""The recorded end-to-end demo: ``bash scripts/demo.sh`` (see demo/run_demo.py)."""
