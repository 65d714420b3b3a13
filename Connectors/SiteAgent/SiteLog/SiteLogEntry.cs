using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portal.Connectors.SiteAgent.SiteLog;

/// <summary>
/// One line of the site log. <see cref="Hash"/> is SHA-256 over <see cref="Prev"/> and the line's canonical content
/// (the entry serialized without its hash, members in declaration order, nulls left out), so an edited, missing or
/// moved line breaks the chain at that point.
/// </summary>
public sealed record SiteLogEntry
{
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    public long Seq { get; init; }
    public DateTimeOffset Time { get; init; }

    /// <summary>order.refused, order.accepted, order.completed, order.failed, order.cancelled or checkpoint.</summary>
    public string Event { get; init; } = "";

    public string? OrderId { get; init; }

    /// <summary>The order's nonce, base64: read back at start so a restart cannot reopen a replay window.</summary>
    public string? Nonce { get; init; }

    /// <summary>The order's kind (describe, preview, export, …).</summary>
    public string? Kind { get; init; }

    public string? Dataset { get; init; }
    public string? GrantId { get; init; }
    public string? RequesterRef { get; init; }

    /// <summary>The refusal or failure code.</summary>
    public string? Code { get; init; }

    public string? Message { get; init; }

    /// <summary>Rows, bytes and SHA-256 (hex) of what left the site for this order.</summary>
    public long? Rows { get; init; }

    public long? Bytes { get; init; }
    public string? Sha256 { get; init; }

    /// <summary>A checkpoint's body and the portal's signature of it, base64.</summary>
    public string? CheckpointBody { get; init; }

    public string? CheckpointSignature { get; init; }

    public string Prev { get; init; } = Genesis;
    public string? Hash { get; init; }

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>What the hash covers: everything but the hash itself.</summary>
    public string CanonicalContent() => JsonSerializer.Serialize(this with { Hash = null }, Json);

    public string ComputeHash() =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Prev + "\n" + CanonicalContent())));

    public string ToLine() => JsonSerializer.Serialize(this, Json);

    /// <exception cref="JsonException">Not an entry.</exception>
    public static SiteLogEntry Parse(string line) =>
        JsonSerializer.Deserialize<SiteLogEntry>(line, Json) ?? throw new JsonException("the line is null");
}

/// <summary>The events the site log records.</summary>
public static class SiteLogEvents
{
    public const string Refused = "order.refused";
    public const string Accepted = "order.accepted";
    public const string Completed = "order.completed";
    public const string Failed = "order.failed";
    public const string Cancelled = "order.cancelled";
    public const string Checkpoint = "checkpoint";
}
