namespace Portal.Features.SignIn.Saml;

/// <summary>One SAML attribute as the verified assertion carried it.</summary>
public sealed record AttributeRelease(string Name, string? NameFormat, string? FriendlyName, IReadOnlyList<string> Values);

/// <summary>The subject's NameID (only its text and format matter to the portal).</summary>
public sealed record SamlNameId(string Value, string? Format, string? NameQualifier, string? SpNameQualifier);

/// <summary>
/// The signed-in person, as the portal stores it. The user key is (<see cref="IdpEntityId"/>, <see cref="UserId"/>);
/// <see cref="UserIdSource"/> says which attribute it came from.
/// </summary>
public sealed record SamlIdentity
{
    public required string IdpEntityId { get; init; }

    public required string UserId { get; init; }

    public required string UserIdSource { get; init; }

    public string? DisplayName { get; init; }

    public string? Mail { get; init; }

    public string? HomeOrganization { get; init; }

    public string? EduPersonPrincipalName { get; init; }

    public IReadOnlyList<string> ScopedAffiliations { get; init; } = [];

    public IReadOnlyList<string> Entitlements { get; init; } = [];

    public SamlNameId? NameId { get; init; }

    public string? SessionIndex { get; init; }

    public DateTimeOffset? AuthnInstant { get; init; }

    /// <summary>The IdP's limit on the session; the portal's own 8 h / 1 h limits still apply.</summary>
    public DateTimeOffset? SessionNotOnOrAfter { get; init; }

    /// <summary>Values the scope rules removed, "name=value", for the audit event.</summary>
    public IReadOnlyList<string> DroppedValues { get; init; } = [];

    public IReadOnlyList<AttributeRelease> Attributes { get; init; } = [];
}
