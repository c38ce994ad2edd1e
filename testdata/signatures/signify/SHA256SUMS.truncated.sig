untrusted comment: verify with alice.pub
RWRWNEbnJ22zl0O88d/8pWAKInKnf+