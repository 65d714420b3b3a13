using System.Security.Cryptography;

namespace Portal.Features.SignIn.Saml;

/// <summary>
/// XML-DSig ECDSA (RFC 4051): SignedXml has no ECDSA description built in. Public only because CryptoConfig
/// registration requires it. XML-DSig carries r||s, which is what
/// <see cref="ECDsa.VerifyHash(byte[], byte[])"/> expects.
/// </summary>
public abstract class EcdsaSignatureDescription : SignatureDescription
{
    private static int _registered;

    protected EcdsaSignatureDescription(string digest)
    {
        KeyAlgorithm = typeof(ECDsa).AssemblyQualifiedName;
        DigestAlgorithm = digest;
    }

    public static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 0)
        {
            CryptoConfig.AddAlgorithm(typeof(Sha256), SamlNames.EcdsaSha256);
            CryptoConfig.AddAlgorithm(typeof(Sha384), SamlNames.EcdsaSha384);
            CryptoConfig.AddAlgorithm(typeof(Sha512), SamlNames.EcdsaSha512);
        }
    }

    public override HashAlgorithm CreateDigest() => DigestAlgorithm switch
    {
        "SHA384" => SHA384.Create(),
        "SHA512" => SHA512.Create(),
        _ => SHA256.Create(),
    };

    public override AsymmetricSignatureDeformatter CreateDeformatter(AsymmetricAlgorithm key) => new Deformatter(key);

    public override AsymmetricSignatureFormatter CreateFormatter(AsymmetricAlgorithm key) =>
        throw new NotSupportedException("This SP never signs with ECDSA.");

    public sealed class Sha256 : EcdsaSignatureDescription
    {
        public Sha256() : base("SHA256") { }
    }

    public sealed class Sha384 : EcdsaSignatureDescription
    {
        public Sha384() : base("SHA384") { }
    }

    public sealed class Sha512 : EcdsaSignatureDescription
    {
        public Sha512() : base("SHA512") { }
    }

    private sealed class Deformatter(AsymmetricAlgorithm key) : AsymmetricSignatureDeformatter
    {
        private ECDsa _key = key as ECDsa ?? throw new CryptographicException("ECDSA signature needs an ECDSA key");

        public override void SetKey(AsymmetricAlgorithm key) =>
            _key = key as ECDsa ?? throw new CryptographicException("ECDSA signature needs an ECDSA key");

        public override void SetHashAlgorithm(string strName) { }

        public override bool VerifySignature(byte[] rgbHash, byte[] rgbSignature) => _key.VerifyHash(rgbHash, rgbSignature);
    }
}
