/*
 * cert_store: puts a test CA into, or takes it out of, the Windows certificate store that WinHTTP trusts
 * (LocalMachine\Root), so the suite can test trust in the Windows store with a loopback server
 * (test/helpers/trusted-ca.ts drives it; docs/wine.md explains the mechanism); and puts a test client certificate
 * with its private key into CurrentUser\MY, or takes it out (test/helpers/client-cert-store.ts).
 *
 *   cert_store add <ca.pem>      adds the certificate; adding one already there is not an error
 *   cert_store remove <ca.pem>   deletes every copy of it; removing one not there is not an error
 *   cert_store has <ca.pem>      exit status 0 if it is there, 1 if not
 *   cert_store add-my <client.pfx> <password>   imports the PFX's certificate that has a key into CurrentUser\MY, the
 *                                key persisted in the user's key store (as certmgr's import does)
 *   cert_store remove-my <client.pem>           deletes every copy of that certificate from CurrentUser\MY
 *
 * Exit status 2 for bad usage, 3 for a failed Windows call (the message on stderr names the call and the error).
 * LocalMachine\Root needs an elevated process on Windows (CurrentUser\Root would ask the user in a dialog); under
 * Wine any process may write it. One thread, no state kept between runs: the store itself is the state.
 */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <wincrypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { EXIT_ABSENT = 1, EXIT_USAGE = 2, EXIT_WINDOWS = 3 };

static int fail(const char *call) {
  DWORD error = GetLastError();
  fprintf(stderr, "cert_store: %s failed: error %lu (0x%08lx)\n", call, (unsigned long)error, (unsigned long)error);
  return EXIT_WINDOWS;
}

/* The whole file, NUL-terminated, or NULL. */
static char *read_file(const char *path) {
  FILE *file = fopen(path, "rb");
  if (file == NULL) return NULL;
  char *text = NULL;
  if (fseek(file, 0, SEEK_END) == 0) {
    long size = ftell(file);
    if (size >= 0 && fseek(file, 0, SEEK_SET) == 0 && (text = malloc((size_t)size + 1)) != NULL) {
      if (fread(text, 1, (size_t)size, file) == (size_t)size) {
        text[size] = '\0';
      } else {
        free(text);
        text = NULL;
      }
    }
  }
  fclose(file);
  return text;
}

/* The first certificate of a PEM file, decoded to DER, as a certificate context (or NULL, with a message). */
static PCCERT_CONTEXT load_pem(const char *path) {
  char *pem = read_file(path);
  if (pem == NULL) {
    fprintf(stderr, "cert_store: cannot read %s\n", path);
    return NULL;
  }
  PCCERT_CONTEXT cert = NULL;
  DWORD size = 0;
  if (!CryptStringToBinaryA(pem, 0, CRYPT_STRING_BASE64HEADER, NULL, &size, NULL, NULL)) {
    fail("CryptStringToBinaryA");
  } else {
    BYTE *der = malloc(size);
    if (der != NULL && CryptStringToBinaryA(pem, 0, CRYPT_STRING_BASE64HEADER, der, &size, NULL, NULL)) {
      cert = CertCreateCertificateContext(X509_ASN_ENCODING, der, size);
      if (cert == NULL) fail("CertCreateCertificateContext");
    } else if (der != NULL) {
      fail("CryptStringToBinaryA");
    }
    free(der);
  }
  free(pem);
  return cert;
}

static int add(HCERTSTORE store, PCCERT_CONTEXT cert) {
  // REPLACE_EXISTING: a copy left by an interrupted run is simply replaced, so adding is idempotent.
  if (!CertAddEncodedCertificateToStore(store, X509_ASN_ENCODING, cert->pbCertEncoded, cert->cbCertEncoded,
                                        CERT_STORE_ADD_REPLACE_EXISTING, NULL)) {
    return fail("CertAddEncodedCertificateToStore");
  }
  return 0;
}

static int remove_all(HCERTSTORE store, PCCERT_CONTEXT cert) {
  PCCERT_CONTEXT found;
  // CertDeleteCertificateFromStore frees the context it is given, so each search starts again from the beginning.
  while ((found = CertFindCertificateInStore(store, X509_ASN_ENCODING, 0, CERT_FIND_EXISTING, cert, NULL)) != NULL) {
    if (!CertDeleteCertificateFromStore(found)) return fail("CertDeleteCertificateFromStore");
  }
  return 0;
}

static int has(HCERTSTORE store, PCCERT_CONTEXT cert) {
  PCCERT_CONTEXT found = CertFindCertificateInStore(store, X509_ASN_ENCODING, 0, CERT_FIND_EXISTING, cert, NULL);
  if (found == NULL) return EXIT_ABSENT;
  CertFreeCertificateContext(found);
  return 0;
}

static HCERTSTORE open_current_user_my(void) {
  return CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0, CERT_SYSTEM_STORE_CURRENT_USER, L"MY");
}

/* CurrentUser\MY gets the PFX's certificate that has a private key, with the key's container (KEY_PROV_INFO). */
static int add_my(const char *pfx_path, const char *password) {
  FILE *file = fopen(pfx_path, "rb");
  if (file == NULL) {
    fprintf(stderr, "cert_store: cannot read %s\n", pfx_path);
    return EXIT_WINDOWS;
  }
  static BYTE bytes[64 * 1024];
  CRYPT_DATA_BLOB blob = {(DWORD)fread(bytes, 1, sizeof(bytes), file), bytes};
  fclose(file);
  wchar_t wide[256];
  if (MultiByteToWideChar(CP_UTF8, 0, password, -1, wide, 256) == 0) return fail("MultiByteToWideChar");
  HCERTSTORE pfx = PFXImportCertStore(&blob, wide, CRYPT_USER_KEYSET);
  if (pfx == NULL) return fail("PFXImportCertStore");
  HCERTSTORE my = open_current_user_my();
  int status = 0;
  if (my == NULL) {
    status = fail("CertOpenStore(CurrentUser\\MY)");
  } else {
    PCCERT_CONTEXT cert = NULL;
    DWORD size = 0;
    while ((cert = CertEnumCertificatesInStore(pfx, cert)) != NULL) {
      if (CertGetCertificateContextProperty(cert, CERT_KEY_PROV_INFO_PROP_ID, NULL, &size)) break;
    }
    if (cert == NULL) {
      fprintf(stderr, "cert_store: no certificate in %s has a private key\n", pfx_path);
      status = EXIT_WINDOWS;
    } else {
      if (!CertAddCertificateContextToStore(my, cert, CERT_STORE_ADD_REPLACE_EXISTING, NULL)) {
        status = fail("CertAddCertificateContextToStore");
      } else if (!CertControlStore(my, 0, CERT_STORE_CTRL_COMMIT, NULL)) {
        status = fail("CertControlStore(CERT_STORE_CTRL_COMMIT)");
      }
      CertFreeCertificateContext(cert);
    }
    CertCloseStore(my, 0);
  }
  CertCloseStore(pfx, 0);
  return status;
}

static int remove_my(const char *pem_path) {
  PCCERT_CONTEXT cert = load_pem(pem_path);
  if (cert == NULL) return EXIT_WINDOWS;
  HCERTSTORE my = open_current_user_my();
  int status;
  if (my == NULL) {
    status = fail("CertOpenStore(CurrentUser\\MY)");
  } else {
    status = remove_all(my, cert);
    if (status == 0 && !CertControlStore(my, 0, CERT_STORE_CTRL_COMMIT, NULL)) status = fail("CertControlStore(CERT_STORE_CTRL_COMMIT)");
    CertCloseStore(my, 0);
  }
  CertFreeCertificateContext(cert);
  return status;
}

int main(int argc, char **argv) {
  if (argc == 4 && strcmp(argv[1], "add-my") == 0) return add_my(argv[2], argv[3]);
  if (argc == 3 && strcmp(argv[1], "remove-my") == 0) return remove_my(argv[2]);
  if (argc != 3 || (strcmp(argv[1], "add") != 0 && strcmp(argv[1], "remove") != 0 && strcmp(argv[1], "has") != 0)) {
    fprintf(stderr, "usage: cert_store add|remove|has <ca.pem> | add-my <client.pfx> <password> | remove-my <client.pem>\n");
    return EXIT_USAGE;
  }
  PCCERT_CONTEXT cert = load_pem(argv[2]);
  if (cert == NULL) return EXIT_WINDOWS;
  DWORD access = strcmp(argv[1], "has") == 0 ? CERT_STORE_READONLY_FLAG : 0;
  HCERTSTORE store = CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0,
                                   CERT_SYSTEM_STORE_LOCAL_MACHINE | CERT_STORE_OPEN_EXISTING_FLAG | access, L"Root");
  int status;
  if (store == NULL) {
    status = fail("CertOpenStore(LocalMachine\\Root)");
  } else {
    if (strcmp(argv[1], "add") == 0) status = add(store, cert);
    else if (strcmp(argv[1], "remove") == 0) status = remove_all(store, cert);
    else status = has(store, cert);
    // Persist the change now rather than when the store is freed: Wine 8 keeps the system store's collection alive
    // after a CertDeleteCertificateFromStore (a reference is never released), so its deletion was never written.
    if (status == 0 && access == 0 && !CertControlStore(store, 0, CERT_STORE_CTRL_COMMIT, NULL)) {
      status = fail("CertControlStore(CERT_STORE_CTRL_COMMIT)");
    }
    CertCloseStore(store, 0);
  }
  CertFreeCertificateContext(cert);
  return status;
}
