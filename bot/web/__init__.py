"""HTTP surfaces that are not chat platforms: health, metrics, admin and API."""
