"""Configuration and content in: clinic.toml, section files, the reviewed content and
patients.csv, validated into plain data."""
