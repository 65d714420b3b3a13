namespace Portal.Kernel;

/// <summary>
/// The portal's public URL, from configuration only: Portal:PublicBaseUrl, else Saml:BaseUrl, else Smtp:PublicBaseUrl.
/// Issuers (visas' iss, jku, source), sign-in return URLs and links in mails are built from it, never from the
/// request's Host header, which the client chooses. Null when none is configured.
/// </summary>
public sealed class PublicAddress(IConfiguration configuration)
{
    private static readonly string[] Keys = ["Portal:PublicBaseUrl", "Saml:BaseUrl", "Smtp:PublicBaseUrl"];

    public Uri? BaseUrl { get; } = Read(configuration);

    /// <summary>The base URL without a trailing slash, e.g. https://portal.example.org.</summary>
    public string? Origin => BaseUrl?.AbsoluteUri.TrimEnd('/');

    /// <summary>An absolute URL for a path of this portal (null when no public URL is configured).</summary>
    public string? Absolute(string path) => Origin is { } origin ? origin + "/" + path.TrimStart('/') : null;

    private static Uri? Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        foreach (var key in Keys)
        {
            if (configuration[key] is { Length: > 0 } value && Uri.TryCreate(value.TrimEnd('/'), UriKind.Absolute, out var uri)
                && uri.Scheme is "http" or "https")
            {
                return uri;
            }
        }
        return null;
    }
}
