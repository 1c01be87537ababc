"""The public portal (地域科学技術ポータル): support measures, facilities, adopted research
themes and news, searchable by anyone, with Atom feeds and the portal's own access statistics."""
