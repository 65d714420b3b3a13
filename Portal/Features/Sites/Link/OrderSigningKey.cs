using System.Security.Cryptography;
using Portal.Connectors.Sites;
using Portal.Hosting;

namespace Portal.Features.Sites.Link;

/// <summary>
/// The portal's order-signing key (ECDSA P-256), read from Sites:OrderKeyFile (a PKCS#8 PEM file kept outside the
/// database and the repository, like the SAML keys). Agents pin its public half at enrollment, so every instance must
/// read the same file. Without the setting a key is made for this process only, and said so in the log: fine for a
/// test, useless for agents that outlive the process.
/// </summary>
public sealed class OrderSigningKey : IDisposable
{
    public const string FileKey = "Sites:OrderKeyFile";

    private readonly ECDsa _key;

    public OrderSigningKey(IConfiguration configuration, ILogger<OrderSigningKey> logger)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var file = configuration[FileKey];
        if (string.IsNullOrWhiteSpace(file))
        {
            logger.LogWarning("{Setting} is not set: orders are signed with a key made for this process only; enrolled agents will refuse them after a restart", FileKey);
            _key = SiteKeys.Create();
        }
        else
        {
            if (!File.Exists(file))
            {
                throw new PortalConfigurationException($"{FileKey} names '{file}', which does not exist (make one with `openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out {file}`).");
            }
            try
            {
                _key = SiteKeys.ReadPrivateKey(file);
            }
            catch (Exception e) when (e is CryptographicException or ArgumentException)
            {
                throw new PortalConfigurationException($"{FileKey} ('{file}') holds no readable EC private key: {e.Message}");
            }
            if (_key.KeySize != 256)
            {
                throw new PortalConfigurationException($"{FileKey} must hold a P-256 key, not a {_key.KeySize}-bit one.");
            }
        }
        PublicKey = _key.ExportSubjectPublicKeyInfo();
        Fingerprint = SiteKeys.Fingerprint(PublicKey);
        var pkcs8 = _key.ExportPkcs8PrivateKey();
        _requesterKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, pkcs8, 32, info: "portal/requester-ref/v1"u8.ToArray());
        CryptographicOperations.ZeroMemory(pkcs8);
    }

    private readonly byte[] _requesterKey;

    /// <summary>
    /// The person behind an order as the site sees her: the same reference on every instance and every order, from
    /// which neither her id nor her name can be computed without the portal's key.
    /// </summary>
    public string RequesterRef(Guid userId) =>
        Convert.ToBase64String(HMACSHA256.HashData(_requesterKey, userId.ToByteArray()))[..22].Replace('+', '-').Replace('/', '_');

    /// <summary>SubjectPublicKeyInfo (DER): what agents pin.</summary>
    public byte[] PublicKey { get; }

    public string Fingerprint { get; }

    public byte[] Sign(ReadOnlySpan<byte> data) => SiteKeys.Sign(_key, data);

    public void Dispose() => _key.Dispose();
}
