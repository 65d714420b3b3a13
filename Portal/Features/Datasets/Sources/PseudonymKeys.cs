using Portal.Connectors.Anonymization;
using Portal.Features.Keys;
using Portal.Hosting;

namespace Portal.Features.Datasets.Sources;

/// <summary>Derives each grant's pseudonym key from the master secret; the connector only ever sees derived keys.</summary>
public sealed class PseudonymKeys(IConfiguration configuration)
{
    private readonly Lazy<byte[]?> _master = new(() =>
    {
        try
        {
            return MasterSecret.Read(configuration);
        }
        catch (PortalConfigurationException)
        {
            return null;
        }
    });

    public bool IsConfigured => _master.Value is not null;

    public byte[] ForGrant(Guid grantId) =>
        KeyDerivation.ForGrant(_master.Value ?? throw new InvalidOperationException("No pseudonym master secret is configured."), grantId.ToString("D"));
}
