#pragma once

// A fixed RSA key pair standing in for GoHighLevel's webhook signing key in
// tests (generated once with `openssl genrsa 2048`; never used anywhere else),
// and an unrelated public key.
namespace openhouse::test::crm_keys {

inline constexpr const char* private_pem = R"pem(-----BEGIN PRIVATE KEY-----
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDRbqQFEqlEoI8G
XG7dBYaXbnuIMaQlVC4b0mKthxI8TFmQUEta8Kz4KIsYAGOBuwZ2+Xk2+zbTDn+5
XlKdOeZhDCzFFii/uuY9rpGd2bo1ez+ifyVfIBH5fNDNgM9vgN/L1+CO/5jnmNUc
nMnz7RD3R1Zik0w5ccgsf5itK2fMcKcvN4tz3zNcxM6KVwPN8kX+I3MXEnpNR8Iv
nSXFpUqHbDu9f3g0zquqa9ye+qjOaS5k/5cGIpCEvqSlSr1quhrXxxGPNyc3c5Ar
ZiycFr76e4ljn0MJUaAT1aGibz2HBCNiqLmI/aFIBlfQOuGyq+GwQterKcLfd/2k
VFF3YmenAgMBAAECggEAYqT2647FHJZ1l3ztGPyzztrSo60iEBUM3LzlDq/qtm0N
2IwBWlW3WvGZxlXUiLPjUSGjZvK/eXzASzrytayiZv6ZjcEos1ogfVgerVdyviMN
r4esvhf4b2dLYCg2TGJKxxQo6KHaTuetJVtyQgrc7WPz+90+T2ZY7yCwdIxXyTJC
RZDlqMRbev/fdwT38TYPz/rdr4YwCwsMkXZ5Rv9v7RY3u28zYgUUVn3DY2KvMff0
Rk1aoseAeP5AcIgcw7/IINTPsj2B/yFmMMdj5dTcEOWb1ljBWW4ueHK8lt0PYdOV
uK3cXBtiiNjfhNJlM2Fb/wCbVa41yY754yH9ifcugQKBgQDvZmUfhFb9ZjGWIhRr
LW+PsS1m3Ma2poaFmz3tX90unHQ0e6gzPL2vGMvQ8WXlroA/T11Ew9uyFKIIc45x
yWXjbizggzWp0pKEwaEsshv//xSfGYlHAZNjpdNumW2Qvuw6VwLihySZ6UujoLd4
P9oTWdxPi5KtPBXB1lEHn8b3JwKBgQDf9EkTSa8DSMum6mcFO9wPJmNEtsMTD7nO
Em7dD2ff+E2eykLb8yg1d9yDPZJrL5uW0DCEjmp8fZlO0wJ5fBRY2IVTV9qorOPi
8d6JiM0fIKyvLw6zjuXZfHD2rzXQAQOspuNryL0L1HLSwcxvCS8Rlqwb+ATCQGbU
GdjnhrNbgQKBgQDSSGD+5CH9Byz7MQg6dHiQARNeTQMHIRL8fLZSsWf5L1grWYsP
JoV/Lgqph8D3lOX1tmK4qklqDRGe1tICROOIeBhXRSl3+AzXK7XFKtXJcWfNsIKS
qmGqn9guR/qjr/CT9iYEkKynvPLB0cQWjg+h+8a24GSAYkzCLNyUE9aS9QKBgBPH
Y1zMuSQ1HadUNF0F+F1uKn47FedtEB/fCOOFJMtnBpPrkRQT2Y0/VL5ShcfpoHgl
UuOiIE12Wj/X6vQHvVRLaxr9O1aCTm4QpnLHHjaNkDK4mTfKewpGL0PaHYqNTGHH
K3atd+S/kpSCgSedTAblo7WkpebyASLiVYG9J8IBAoGASPvnMPwRayNnnGJ3Pkle
9sXORyB/lHOW/cXB1J2mZOap3PsfgRwn4zZ/6hBK14934qrOg9RkrRKg69WMmIEu
5C7hW74tRghERTghcoZdB18Ts2rUXQigGccvhm6IOmMlhXkrRW1l4AXxJG/RTRmN
vlyZvraTx/KFVSWYCyn0eFw=
-----END PRIVATE KEY-----
)pem";

/// SubjectPublicKeyInfo ("BEGIN PUBLIC KEY").
inline constexpr const char* public_pem = R"pem(-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA0W6kBRKpRKCPBlxu3QWG
l257iDGkJVQuG9JirYcSPExZkFBLWvCs+CiLGABjgbsGdvl5Nvs20w5/uV5SnTnm
YQwsxRYov7rmPa6Rndm6NXs/on8lXyAR+XzQzYDPb4Dfy9fgjv+Y55jVHJzJ8+0Q
90dWYpNMOXHILH+YrStnzHCnLzeLc98zXMTOilcDzfJF/iNzFxJ6TUfCL50lxaVK
h2w7vX94NM6rqmvcnvqozmkuZP+XBiKQhL6kpUq9aroa18cRjzcnN3OQK2YsnBa+
+nuJY59DCVGgE9Whom89hwQjYqi5iP2hSAZX0DrhsqvhsELXqynC33f9pFRRd2Jn
pwIDAQAB
-----END PUBLIC KEY-----
)pem";

/// The same key as PKCS#1 ("BEGIN RSA PUBLIC KEY").
inline constexpr const char* public_pkcs1_pem = R"pem(-----BEGIN RSA PUBLIC KEY-----
MIIBCgKCAQEA0W6kBRKpRKCPBlxu3QWGl257iDGkJVQuG9JirYcSPExZkFBLWvCs
+CiLGABjgbsGdvl5Nvs20w5/uV5SnTnmYQwsxRYov7rmPa6Rndm6NXs/on8lXyAR
+XzQzYDPb4Dfy9fgjv+Y55jVHJzJ8+0Q90dWYpNMOXHILH+YrStnzHCnLzeLc98z
XMTOilcDzfJF/iNzFxJ6TUfCL50lxaVKh2w7vX94NM6rqmvcnvqozmkuZP+XBiKQ
hL6kpUq9aroa18cRjzcnN3OQK2YsnBa++nuJY59DCVGgE9Whom89hwQjYqi5iP2h
SAZX0DrhsqvhsELXqynC33f9pFRRd2JnpwIDAQAB
-----END RSA PUBLIC KEY-----
)pem";

/// Another key: signatures by private_pem do not verify with it.
inline constexpr const char* other_public_pem = R"pem(-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAvm+VEL5rlJ4CvfoqekFr
KPHLmM2cF88OlSedvp1zzfLLZAmboAxIgtiNPlWq+b1RnIUWoTSS5+VEBEsiW7Yk
I9lBmoM57kJmP+k3YoByaWhHC8jb/UBnVQNEl9Hy75SnKozd3i13TqkFGOn/M+ju
72hDWfZ3K1c/XlvfrZWQlRD9+uTAO5wOrzcb2T0TP6e8Df5A39IpzJRHpFpNjtSs
H5LGKty9O9dFJnR1UaL51adFPckYPB9Gq+b1YNCpXRq+b3KI7vU0zBUr8shEVk+e
HNbT3f6JNQPiuEZfJErd+akxHtxuhaTlgbu2GZwlS/78QT6gxC8a1f3O3eRciAv0
5wIDAQAB
-----END PUBLIC KEY-----
)pem";

}  // namespace openhouse::test::crm_keys
