using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Portal.Tests.SignIn.Saml;

/// <summary>RSA-2048 self-signed certificates made at run time, once per test run; no key is ever committed.</summary>
public static class TestKeys
{
    private static readonly Lazy<X509Certificate2> _idp = new(() => Create("Hospital IdP signing"));
    private static readonly Lazy<X509Certificate2> _otherIdp = new(() => Create("University IdP signing"));
    private static readonly Lazy<X509Certificate2> _attacker = new(() => Create("Attacker"));
    private static readonly Lazy<X509Certificate2> _spEncryption = new(() => Create("Portal SP encryption"));
    private static readonly Lazy<X509Certificate2> _spSigning = new(() => Create("Portal SP signing"));
    private static readonly Lazy<X509Certificate2> _unrelatedEncryption = new(() => Create("Someone else's SP encryption"));

    public static X509Certificate2 IdpSigning => _idp.Value;

    public static X509Certificate2 OtherIdpSigning => _otherIdp.Value;

    public static X509Certificate2 Attacker => _attacker.Value;

    public static X509Certificate2 SpEncryption => _spEncryption.Value;

    public static X509Certificate2 SpSigning => _spSigning.Value;

    public static X509Certificate2 UnrelatedEncryption => _unrelatedEncryption.Value;

    public static X509Certificate2 Create(string commonName)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest($"CN={commonName}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
    }
}
