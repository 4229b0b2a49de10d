"""The web front end of both portals (Guichet cards at ``/``, AQPM at ``/aqpm/``, staff at ``/staff/``)."""
