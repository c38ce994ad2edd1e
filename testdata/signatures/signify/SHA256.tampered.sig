untrusted comment: verify with alice.pub
RWS9QUJEqTnk7UR3IXW1sN3+7Dd+bVxJ7ir+MiBXwKjpag63ghqcaNhd2Xb5lrAZxicRwgWwWbUPLjxRixXKw7IEm6NwTXvqaAc=
SHA256 (a.txt) = b6a98d9ce9a2d9149288fa3df42d377c3e42737afdcdaf714e33c0a100b51060
SHA256 (b.txt) = f2c82decdd7181cf98945929a62598db7e6b477e11f6e0eb0ae97020eff151ad
# added after signing
