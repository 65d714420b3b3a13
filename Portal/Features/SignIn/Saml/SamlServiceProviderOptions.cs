using System.Security.Cryptography.X509Certificates;

namespace Portal.Features.SignIn.Saml;

/// <summary>This SP's identity and its trust limits.</summary>
public sealed record SamlServiceProviderOptions
{
    /// <summary>The checklist's upper bound on clock skew; a larger setting is a configuration error.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(2);

    public required string EntityId { get; init; }

    /// <summary>The AssertionConsumerService URL (HTTP-POST); Destination and Recipient must equal it.</summary>
    public required string AcsUrl { get; init; }

    public string? SingleLogoutUrl { get; init; }

    /// <summary>Signs AuthnRequests; published as the signing key in SP metadata. Needs its private key.</summary>
    public X509Certificate2? SigningCertificate { get; init; }

    /// <summary>
    /// Decrypts assertions. The first is published; the rest stay accepted during a key rollover. Each needs its
    /// private key.
    /// </summary>
    public IReadOnlyList<X509Certificate2> EncryptionCertificates { get; init; } = [];

    /// <summary>
    /// Allowed clock difference with IdPs. The checklist bounds it at 2 minutes (Shibboleth's 3-minute default is
    /// above that bound, so the stricter number wins).
    /// </summary>
    public TimeSpan ClockSkew { get; init; } = MaxClockSkew;

    /// <summary>Accept unsolicited (IdP-initiated) responses. Off: they cannot be bound to a browser.</summary>
    public bool AllowIdpInitiated { get; init; }

    /// <summary>Cap on the base64 SAMLResponse, checked before decoding.</summary>
    public int MaxResponseLength { get; init; } = 256 * 1024;

    /// <summary>A pending AuthnRequest older than this is no longer answered.</summary>
    public TimeSpan PendingRequestLifetime { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Throws when a setting is outside what the checklist permits.</summary>
    public void Validate()
    {
        if (ClockSkew < TimeSpan.Zero || ClockSkew > MaxClockSkew)
        {
            throw new InvalidOperationException($"SAML clock skew must be between 0 and {MaxClockSkew.TotalMinutes} minutes.");
        }
        if (!Uri.TryCreate(AcsUrl, UriKind.Absolute, out _))
        {
            throw new InvalidOperationException("SAML AcsUrl must be an absolute URL.");
        }
        if (string.IsNullOrWhiteSpace(EntityId))
        {
            throw new InvalidOperationException("SAML EntityId is required.");
        }
        if (MaxResponseLength <= 0)
        {
            throw new InvalidOperationException("SAML MaxResponseLength must be positive.");
        }
        if (SigningCertificate is { HasPrivateKey: false } || EncryptionCertificates.Any(c => !c.HasPrivateKey))
        {
            throw new InvalidOperationException("SAML SP certificates need their private keys.");
        }
    }
}
