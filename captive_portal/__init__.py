"""The regional public Wi-Fi: locations, gateways and the splash content for each place."""
