using Portal.Connectors.Anonymization;

namespace Portal.Connectors.SiteAgent.SitePolicy;

/// <summary>
/// The site's pseudonym master secret. Per-grant keys are derived here, at the site, so the portal can neither read
/// a raw identifier nor compute the pseudonym of one it knows.
/// </summary>
public sealed class PseudonymSecret
{
    public const int MinimumBytes = 32;

    private readonly byte[] _master;

    private PseudonymSecret(byte[] master) => _master = master;

    /// <exception cref="SiteConfigException">Missing, unreadable, not base64 or too short.</exception>
    public static PseudonymSecret Load(string path)
    {
        if (string.IsNullOrEmpty(path))
        {
            throw new SiteConfigException("pseudonymSecretFile is required");
        }
        byte[] master;
        try
        {
            master = Convert.FromBase64String(File.ReadAllText(path).Trim());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SiteConfigException($"the pseudonym secret file {path} cannot be read: {e.Message}");
        }
        catch (FormatException)
        {
            throw new SiteConfigException($"the pseudonym secret file {path} is not base64 (make one with `openssl rand -base64 32`)");
        }
        return master.Length < MinimumBytes
            ? throw new SiteConfigException($"the pseudonym secret in {path} has {master.Length} bytes; at least {MinimumBytes} are required")
            : new PseudonymSecret(master);
    }

    public byte[] ForGrant(string grantId) => KeyDerivation.ForGrant(_master, grantId);
}
