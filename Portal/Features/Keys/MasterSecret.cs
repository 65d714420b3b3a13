using Portal.Hosting;

namespace Portal.Features.Keys;

/// <summary>
/// The secret every pseudonym key is derived from (HKDF per grant, in the connector library). It comes from
/// configuration or a file, never from the repository: losing it makes old pseudonyms unlinkable to new ones,
/// leaking it lets anyone recompute them.
/// </summary>
public static class MasterSecret
{
    public const string ValueKey = "Keys:PseudonymMasterSecret";
    public const string FileKey = "Keys:PseudonymMasterSecretFile";
    private const int MinimumBytes = 32;

    public static byte[] Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        string? base64 = configuration[ValueKey];
        var file = configuration[FileKey];
        if (string.IsNullOrWhiteSpace(base64) && !string.IsNullOrWhiteSpace(file))
        {
            if (!File.Exists(file))
            {
                throw new PortalConfigurationException($"{FileKey} names '{file}', which does not exist.");
            }
            base64 = File.ReadAllText(file).Trim();
        }
        if (string.IsNullOrWhiteSpace(base64))
        {
            throw new PortalConfigurationException(
                $"No pseudonym master secret: set {ValueKey} (base64, at least {MinimumBytes} random bytes) or {FileKey} (a file holding it); " +
                "e.g. `head -c 32 /dev/urandom | base64 > secret.key`.");
        }
        byte[] secret;
        try
        {
            secret = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw new PortalConfigurationException($"The pseudonym master secret is not base64.");
        }
        return secret.Length >= MinimumBytes
            ? secret
            : throw new PortalConfigurationException($"The pseudonym master secret has {secret.Length} bytes; at least {MinimumBytes} are needed.");
    }
}
