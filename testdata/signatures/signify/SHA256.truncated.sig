untrusted comment: verify with alice.pub
RWRWNEbnJ22zl2qYUwe