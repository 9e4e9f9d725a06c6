"""Formatted outputs (Excel workbooks, PDF letters) built from the workspace."""
