# The one way the test TLS material is made (sourced, not run): by test/fixtures/tls/generate.sh for the committed CA
# sets and by test/tools/make-tls-certs.sh for the certificates of each build. Needs $work, a scratch folder.
#
# tls_sign <out folder> <name> <CN> <extensions> <start> <end> <issuer cert | self> <issuer key | "">
#   writes <out>/<name>-key.pem (RSA 2048) and <out>/<name>.pem (SHA-256, a random serial, only the extensions given,
#   valid from <start> to <end>, as openssl's YYYYMMDDHHMMSSZ), signed by the issuer or by its own key ("self").
tls_sign() {
  local out=$1 name=$2 cn=$3 extensions=$4 start=$5 end=$6 issuer=$7 issuer_key=$8
  cat > "$work/ca.cnf" <<CNF
[ ca ]
default_ca = test_ca
[ test_ca ]
dir = $work
database = $work/index.txt
serial = $work/serial
new_certs_dir = $work
default_md = sha256
policy = any
copy_extensions = none
unique_subject = no
[ any ]
commonName = supplied
[ ext ]
$extensions
CNF
  : > "$work/index.txt"
  openssl rand -hex 8 > "$work/serial"
  openssl genrsa -out "$out/$name-key.pem" 2048 2>/dev/null
  openssl req -new -key "$out/$name-key.pem" -subj "/CN=$cn" -out "$work/$name.csr"
  local selfsign=()
  if [ "$issuer" = self ]; then selfsign=(-selfsign); issuer_key=$out/$name-key.pem; issuer=; fi
  openssl ca -batch -notext -config "$work/ca.cnf" "${selfsign[@]}" ${issuer:+-cert "$issuer"} -keyfile "$issuer_key" \
    -in "$work/$name.csr" -extensions ext -startdate "$start" -enddate "$end" -out "$out/$name.pem" 2>/dev/null
}

# Extensions of a CA and of a server certificate (a server certificate adds its extendedKeyUsage and names).
TLS_CA_EXTENSIONS='basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash'
TLS_SERVER_EXTENSIONS='basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid'
