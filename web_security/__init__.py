"""What every web app of the project gets, below the apps that use it: security headers and the
secure-cookie rule (``headers``), rate limits (``limits``). The widget's app (bot/widget) and the staff
site (staff/) use it; the web server (webserver/) joins those two apps and is used by nothing."""
