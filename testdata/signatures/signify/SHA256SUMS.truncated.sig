untrusted comment: verify with alice.pub
RWT8W5+vHeyw9Lbi6lDgB5zGRB7eOn