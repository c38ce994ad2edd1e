untrusted comment: verify with alice.pub
RWT8W5+vHeyw9Ad4/1IGZk4LijxK4w3qN3v+HUbqhNQw1h9PgbtZ5MY8GjeNEGcjalyZt3GEmu+Lm+DP0/B+MCGjm0mIimRb3Qs=
