untrusted comment: verify with alice.pub
RWT8W5+vHeyw9Kpr6lj