using System.Security.Cryptography.X509Certificates;
using Portal.Features.Demo;
using Portal.Features.SignIn.Saml;
using Portal.Tests.SignIn.Saml;

namespace Portal.Tests.Infrastructure;

/// <summary>A test IdP: its entity ID, signing key and scope.</summary>
public sealed record TestIdp(string EntityId, X509Certificate2 SigningKey, string Scope);

/// <summary>
/// The federation the portal trusts in tests: two IdPs whose keys are made at run time, written as metadata files,
/// and the SP's own keys as PEM files — the very configuration an operator writes.
/// </summary>
public static class TestFederation
{
    public static readonly TestIdp Hospital = new(DemoSeed.HospitalIdp, TestKeys.IdpSigning, DemoSeed.HospitalScope);
    public static readonly TestIdp University = new(DemoSeed.UniversityIdp, TestKeys.OtherIdpSigning, DemoSeed.UniversityScope);

    private static readonly HashSet<string> Written = [];

    private static readonly Lazy<string> Folder = new(() => Directory.CreateTempSubdirectory("portal-test-federation-").FullName);

    public static IReadOnlyDictionary<string, string> Settings(string baseUrl, params (string EntityId, X509Certificate2 Key, string Scope)[] idps)
    {
        var dir = Folder.Value;
        var settings = new Dictionary<string, string>
        {
            ["Saml:BaseUrl"] = baseUrl,
            ["Saml:SigningCertificate"] = WritePem("sp-signing.crt", TestKeys.SpSigning.ExportCertificatePem()),
            ["Saml:SigningKey"] = WritePem("sp-signing.key", TestKeys.SpSigning.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem()),
            ["Saml:EncryptionCertificate"] = WritePem("sp-encryption.crt", TestKeys.SpEncryption.ExportCertificatePem()),
            ["Saml:EncryptionKey"] = WritePem("sp-encryption.key", TestKeys.SpEncryption.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem()),
        };
        for (var i = 0; i < idps.Length; i++)
        {
            var scenario = new ResponseScenario { IdpScopes = [new IdpScope(idps[i].Scope, false)] };
            settings[$"Saml:IdentityProviders:{i}:Metadata"] =
                WritePem($"idp-{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(idps[i].EntityId)))[..12]}.xml",
                    scenario.IdpMetadataXml(idps[i].EntityId, idps[i].Key));
        }
        return settings;

        // Test classes run in parallel and read these files while starting: each file is written once, whole,
        // then only read (a rewrite under a reader made the portal see half a key).
        string WritePem(string name, string content)
        {
            var path = Path.Combine(dir, name);
            lock (Written)
            {
                if (Written.Add(path))
                {
                    var temp = path + ".tmp";
                    File.WriteAllText(temp, content);
                    File.Move(temp, path, overwrite: true);
                }
            }
            return path;
        }
    }

    /// <summary>The demo federation: hospital and university IdPs with the entity IDs the demo users carry.</summary>
    public static IReadOnlyDictionary<string, string> DemoSettings(string baseUrl) =>
        Settings(baseUrl, (Hospital.EntityId, Hospital.SigningKey, Hospital.Scope), (University.EntityId, University.SigningKey, University.Scope));
}
