"""Right of access and right to erasure: each feature contributes what it stores about a person."""
