using System.Net.Mail;

namespace Portal.Features.VirtualOrganizations;

/// <summary>Field checks shared by the VO use cases. Each names the field exactly as the API's JSON spells it.</summary>
internal static class VoInput
{
    public const int NameMax = 200;
    public const int DescriptionMax = 4000;
    public const int MessageMax = 2000;
    public const int ReasonMax = 1000;
    public const int EmailMax = 320;
    public const int MaxMembershipDays = 3650;
    public static readonly TimeSpan DefaultInvitationLifetime = TimeSpan.FromDays(7);
    public static readonly TimeSpan MaxInvitationLifetime = TimeSpan.FromDays(30);

    public static Outcome<VoRole> Role(string? value, string field = "role") => value?.Trim().ToUpperInvariant() switch
    {
        null or "" or "MEMBER" => VoRole.Member,
        "ADMIN" => VoRole.Admin,
        _ => Failure.Invalid("vo.member.role_invalid", field, $"{field} must be \"member\" or \"admin\"."),
    };

    public static Outcome<VoJoinPolicy> JoinPolicy(string? value) => value?.Trim().Replace("-", "", StringComparison.Ordinal).ToUpperInvariant() switch
    {
        null or "" or "INVITATIONONLY" => VoJoinPolicy.InvitationOnly,
        "OPENWITHAPPROVAL" => VoJoinPolicy.OpenWithApproval,
        _ => Failure.Invalid("vo.organization.join_policy_invalid", "joinPolicy", "joinPolicy must be \"invitation-only\" or \"open-with-approval\"."),
    };

    /// <summary>A bare address (no display name), lower-cased: addresses are compared case-insensitively.</summary>
    public static Outcome<string?> Email(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return Outcome.Ok<string?>(null);
        }
        var trimmed = value.Trim();
        if (Length(trimmed, EmailMax, "email") is { } tooLong)
        {
            return tooLong;
        }
        if (!MailAddress.TryCreate(trimmed, out var address) || !string.Equals(address.Address, trimmed, StringComparison.Ordinal))
        {
            return Failure.Invalid("vo.invitation.email_invalid", "email", $"\"{trimmed}\" is not an e-mail address.");
        }
        return trimmed.ToLowerInvariant();
    }

    public static Failure? Length(string? value, int max, string field) =>
        TextRules.Nul(value, field) ?? (value is not null && value.Length > max
            ? Failure.Invalid("vo.input.too_long", field, $"{field} is longer than {max} characters ({value.Length}).")
            : null);
}
