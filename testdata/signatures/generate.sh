#!/usr/bin/env bash
# Makes the signed-manifest fixtures of tests/signatures.rs with the real
# tools (gnupg, minisign, signify-openbsd, ssh-keygen; installed by
# scripts/install.d/70-signatures.sh), and checks each good one with its own
# tool. Secret keys live in a temporary directory and are thrown away; only
# public keys, manifests and signatures are kept.
#
#   bash testdata/signatures/generate.sh
#
# Deterministic where the tools allow: OpenPGP keys and signatures use fixed
# (faked) times, and Ed25519 signatures are deterministic for one key, but
# every run makes new keys, so the bytes change on each run.
set -euo pipefail
cd "$(dirname "$0")"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# The signed files: two small data files and their manifests.
mkdir -p files
printf 'alpha\n' >files/a.txt
printf 'beta\n' >files/b.txt
(cd files && sha256sum a.txt b.txt) >SHA256SUMS
(cd files && sha256sum --tag a.txt b.txt) >CHECKSUM   # BSD tags, as Fedora and OpenBSD
printf '%s\n' "$(cd files && sha256sum b.txt)" >OTHER  # another manifest
# Tampered copies: a comment line added, every digest still right.
{ cat SHA256SUMS; echo '# added after signing'; } >SHA256SUMS.tampered

rm -rf openpgp minisign signify ssh
mkdir -p openpgp minisign signify ssh

# ---- OpenPGP -------------------------------------------------------------
export GNUPGHOME="$tmp/gnupg"
mkdir -m 700 "$GNUPGHOME"
gpg_at() { # gpg_at TIME ARGS...: gpg at a fixed time, no passphrase
    local at="$1"
    shift
    gpg --batch --quiet --yes --pinentry-mode loopback --passphrase '' \
        --faked-system-time "${at}!" "$@" 2>/dev/null
}
fpr() { gpg --batch --with-colons --fingerprint "$1" | awk -F: '/^fpr/ {print $10; exit}'; }
T=20240101T000000
gpg_at $T --quick-gen-key 'Alice <alice@example.org>' ed25519 sign never
gpg_at $T --quick-gen-key 'Mallory <mallory@example.org>' ed25519 sign never
# Bob: a certify-only primary key and a signing subkey.
gpg_at $T --quick-gen-key 'Bob <bob@example.org>' ed25519 cert never
gpg_at $T --quick-add-key "$(fpr bob@example.org)" ed25519 sign never
# Carol: a key that expired one day after it was made, in 2020.
gpg_at 20200101T000000 --quick-gen-key 'Carol <carol@example.org>' ed25519 sign 1d
for who in alice mallory bob carol; do
    gpg --batch --armor --export "$who@example.org" >"openpgp/$who.asc"
done
gpg --batch --export alice@example.org >openpgp/alice.gpg
gpg --batch --export alice@example.org bob@example.org >openpgp/keyring.gpg

S=20240102T000000
gpg_at $S -u alice@example.org --detach-sign -o openpgp/SHA256SUMS.gpg SHA256SUMS
gpg_at $S -u alice@example.org --armor --detach-sign -o openpgp/SHA256SUMS.asc SHA256SUMS
# SHA-1: collisions can be made, so refused (GnuPG still makes it on request).
gpg_at $S -u alice@example.org --digest-algo SHA1 --armor --detach-sign -o openpgp/SHA256SUMS.sha1.asc SHA256SUMS
gpg_at $S -u mallory@example.org --armor --detach-sign -o openpgp/SHA256SUMS.mallory.asc SHA256SUMS
gpg_at $S -u alice@example.org --armor --detach-sign -o openpgp/OTHER.asc OTHER
gpg_at $S -u bob@example.org --armor --detach-sign -o openpgp/SHA256SUMS.subkey.asc SHA256SUMS
gpg_at 20200101T120000 -u carol@example.org --armor --detach-sign -o openpgp/SHA256SUMS.expired.asc SHA256SUMS
gpg_at $S -u alice@example.org --clearsign -o openpgp/CHECKSUM.clearsigned CHECKSUM
# The same clear-signed manifest with lines outside the signed part, before
# its header and after its signature (GnuPG still says "Good signature").
evil="$(printf 'evil\n' | sha256sum | cut -d' ' -f1)"
{
    echo "SHA256 (evil.txt) = $evil"
    cat openpgp/CHECKSUM.clearsigned
    echo "SHA256 (a.txt) = $evil"
} >openpgp/CHECKSUM.outside
# A comment line added inside the signed text.
sed '0,/^SHA256 (b.txt)/s//# added after signing\n&/' openpgp/CHECKSUM.clearsigned >openpgp/CHECKSUM.tampered
gpg --batch --verify openpgp/SHA256SUMS.gpg SHA256SUMS 2>/dev/null
gpg --batch --verify openpgp/SHA256SUMS.asc SHA256SUMS 2>/dev/null
gpg --batch --verify openpgp/SHA256SUMS.subkey.asc SHA256SUMS 2>/dev/null
gpg --batch --verify openpgp/CHECKSUM.clearsigned 2>/dev/null
gpg --batch --verify openpgp/CHECKSUM.outside 2>/dev/null
! gpg --batch --verify openpgp/CHECKSUM.tampered 2>/dev/null

# ---- minisign ------------------------------------------------------------
for who in alice mallory; do
    minisign -G -W -p "minisign/$who.pub" -s "$tmp/$who.minisign.key" >/dev/null
done
# minisign's own trusted comment, with a fixed time (2024-01-02).
msign() {
    minisign -S -s "$tmp/$1.minisign.key" -m "$2" -x "$3" \
        -t "$(printf 'timestamp:1704153600\tfile:%s\thashed' "$(basename "$2")")" >/dev/null
}
msign alice SHA256SUMS minisign/SHA256SUMS.minisig
msign mallory SHA256SUMS minisign/SHA256SUMS.mallory.minisig
msign alice OTHER minisign/OTHER.minisig
minisign -V -q -p minisign/alice.pub -m SHA256SUMS -x minisign/SHA256SUMS.minisig

# ---- signify -------------------------------------------------------------
for who in alice mallory; do
    signify-openbsd -G -n -c "$who" -p "signify/$who.pub" -s "$tmp/$who.sec"
done
signify-openbsd -S -s "$tmp/alice.sec" -m SHA256SUMS -x signify/SHA256SUMS.sig
signify-openbsd -S -s "$tmp/mallory.sec" -m SHA256SUMS -x signify/SHA256SUMS.mallory.sig
signify-openbsd -S -s "$tmp/alice.sec" -m OTHER -x signify/OTHER.sig
# OpenBSD's SHA256.sig: the signature with the BSD-tagged manifest embedded.
signify-openbsd -S -e -s "$tmp/alice.sec" -m CHECKSUM -x signify/SHA256.sig
signify-openbsd -S -e -s "$tmp/mallory.sec" -m CHECKSUM -x signify/SHA256.mallory.sig
{ cat signify/SHA256.sig; echo '# added after signing'; } >signify/SHA256.tampered.sig
signify-openbsd -V -q -p signify/alice.pub -m SHA256SUMS -x signify/SHA256SUMS.sig
(cd files && signify-openbsd -C -q -p ../signify/alice.pub -x ../signify/SHA256.sig)

# ---- SSH -----------------------------------------------------------------
for who in alice mallory; do
    ssh-keygen -q -t ed25519 -N '' -C "$who@example.org" -f "$tmp/$who.ssh"
    cp "$tmp/$who.ssh.pub" "ssh/$who.pub"
done
echo "alice@example.org namespaces=\"file\" $(cut -d' ' -f1,2 ssh/alice.pub)" >ssh/allowed_signers
ssign() { ssh-keygen -q -Y sign -f "$tmp/$1.ssh" -n "${4:-file}" <"$2" >"$3"; }
ssign alice SHA256SUMS ssh/SHA256SUMS.sig
ssign mallory SHA256SUMS ssh/SHA256SUMS.mallory.sig
ssign alice OTHER ssh/OTHER.sig
ssign alice SHA256SUMS ssh/SHA256SUMS.git.sig git
ssh-keygen -Y verify -f ssh/allowed_signers -I alice@example.org -n file -s ssh/SHA256SUMS.sig <SHA256SUMS >/dev/null

# ---- Truncated signatures: the first half of each good one ---------------
half() { head -c "$(($(stat -c %s "$1") / 2))" "$1" >"$2"; }
half openpgp/SHA256SUMS.gpg openpgp/SHA256SUMS.truncated.gpg
half openpgp/SHA256SUMS.asc openpgp/SHA256SUMS.truncated.asc
half openpgp/CHECKSUM.clearsigned openpgp/CHECKSUM.truncated
half minisign/SHA256SUMS.minisig minisign/SHA256SUMS.truncated.minisig
half signify/SHA256SUMS.sig signify/SHA256SUMS.truncated.sig
# The embedded form cut inside its signature line (cut inside the message,
# it is a signature over other bytes).
head -c 60 signify/SHA256.sig >signify/SHA256.truncated.sig
half ssh/SHA256SUMS.sig ssh/SHA256SUMS.truncated.sig
# ---- Seeds of the signature fuzz targets (fuzz/corpus/signature_*) -------
# The fuzz checks trust these fixtures' keys, so the seeds follow the keys.
seeds=../../fuzz/corpus
seed() { mkdir -p "$seeds/$1" && cp "$2" "$seeds/$1/$(echo "$2" | tr / _)"; }
for f in openpgp/alice.asc openpgp/keyring.gpg minisign/alice.pub signify/alice.pub \
    ssh/allowed_signers ssh/alice.pub; do
    seed signature_keys "$f"
done
for f in openpgp/SHA256SUMS.gpg openpgp/SHA256SUMS.asc openpgp/SHA256SUMS.subkey.asc \
    openpgp/SHA256SUMS.truncated.gpg minisign/SHA256SUMS.minisig signify/SHA256SUMS.sig \
    ssh/SHA256SUMS.sig openpgp/CHECKSUM.clearsigned signify/SHA256.sig; do
    seed signature_verify "$f"
done
for f in openpgp/CHECKSUM.clearsigned openpgp/CHECKSUM.outside openpgp/CHECKSUM.truncated \
    signify/SHA256.sig signify/SHA256.truncated.sig SHA256SUMS; do
    seed signature_clearsign "$f"
done
echo "fixtures made and checked in $(pwd)"
