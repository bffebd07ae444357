"""Editorial content of the portal: pages, news (optionally for a Wi-Fi location), events and
the region's Smarter Region flagship projects, in four languages, with Atom feeds."""
