using Microsoft.AspNetCore.DataProtection;

namespace Portal.Features.Datasets.Sources;

/// <summary>Source passwords at rest: Data-Protection ciphertext, readable only by the portal's own key ring.</summary>
public sealed class DatasetCredentials(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("Portal.Datasets.SourceCredentials.v1");

    public string Protect(string password) => _protector.Protect(password);

    public string Unprotect(string protectedPassword) => _protector.Unprotect(protectedPassword);
}
