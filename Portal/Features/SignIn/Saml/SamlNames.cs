namespace Portal.Features.SignIn.Saml;

/// <summary>Namespace URIs and algorithm identifiers, kept in one place so a typo cannot hide in a check.</summary>
public static class SamlNames
{
    public const string Protocol = "urn:oasis:names:tc:SAML:2.0:protocol";
    public const string Assertion = "urn:oasis:names:tc:SAML:2.0:assertion";
    public const string Metadata = "urn:oasis:names:tc:SAML:2.0:metadata";
    public const string DSig = "http://www.w3.org/2000/09/xmldsig#";
    public const string XEnc = "http://www.w3.org/2001/04/xmlenc#";
    public const string XEnc11 = "http://www.w3.org/2009/xmlenc11#";
    public const string Shibmd = "urn:mace:shibboleth:metadata:1.0";
    public const string Mdui = "urn:oasis:names:tc:SAML:metadata:ui";
    public const string Mdattr = "urn:oasis:names:tc:SAML:metadata:attribute";

    public const string StatusSuccess = "urn:oasis:names:tc:SAML:2.0:status:Success";
    public const string BearerMethod = "urn:oasis:names:tc:SAML:2.0:cm:bearer";
    public const string PersistentNameId = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent";
    public const string TransientNameId = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient";
    public const string EntityNameId = "urn:oasis:names:tc:SAML:2.0:nameid-format:entity";
    public const string UriNameFormat = "urn:oasis:names:tc:SAML:2.0:attrname-format:uri";
    public const string HttpRedirectBinding = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
    public const string HttpPostBinding = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";
    /// <summary>SAML IdP Discovery protocol: the DiscoveryResponse element's namespace and its binding.</summary>
    public const string IdpDiscovery = "urn:oasis:names:tc:SAML:profiles:SSO:idp-discovery-protocol";
    public const string HideFromDiscovery = "http://refeds.org/category/hide-from-discovery";
    public const string EntityCategory = "http://macedir.org/entity-category";

    public const string EnvelopedTransform = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
    public const string ExcC14N = "http://www.w3.org/2001/10/xml-exc-c14n#";
    public const string ExcC14NWithComments = "http://www.w3.org/2001/10/xml-exc-c14n#WithComments";

    public const string RsaSha1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1";
    public const string RsaSha256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
    public const string RsaSha384 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384";
    public const string RsaSha512 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512";
    public const string EcdsaSha256 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256";
    public const string EcdsaSha384 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384";
    public const string EcdsaSha512 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512";
    public const string Sha1 = "http://www.w3.org/2000/09/xmldsig#sha1";
    public const string Sha256 = "http://www.w3.org/2001/04/xmlenc#sha256";
    public const string Sha384 = "http://www.w3.org/2001/04/xmldsig-more#sha384";
    public const string Sha512 = "http://www.w3.org/2001/04/xmlenc#sha512";

    public const string Aes128Cbc = "http://www.w3.org/2001/04/xmlenc#aes128-cbc";
    public const string Aes192Cbc = "http://www.w3.org/2001/04/xmlenc#aes192-cbc";
    public const string Aes256Cbc = "http://www.w3.org/2001/04/xmlenc#aes256-cbc";
    public const string Aes128Gcm = "http://www.w3.org/2009/xmlenc11#aes128-gcm";
    public const string Aes192Gcm = "http://www.w3.org/2009/xmlenc11#aes192-gcm";
    public const string Aes256Gcm = "http://www.w3.org/2009/xmlenc11#aes256-gcm";
    public const string RsaOaepMgf1P = "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p";
    public const string RsaOaep = "http://www.w3.org/2009/xmlenc11#rsa-oaep";
    public const string Mgf1Sha1 = "http://www.w3.org/2009/xmlenc11#mgf1sha1";
    public const string Mgf1Sha256 = "http://www.w3.org/2009/xmlenc11#mgf1sha256";
    public const string Mgf1Sha384 = "http://www.w3.org/2009/xmlenc11#mgf1sha384";
    public const string Mgf1Sha512 = "http://www.w3.org/2009/xmlenc11#mgf1sha512";
    public const string EncryptedElementType = "http://www.w3.org/2001/04/xmlenc#Element";
}
