"""Usage reports: measures in SQL, SVG charts, CSV and XLSX downloads (docs/REPORTS.md)."""
