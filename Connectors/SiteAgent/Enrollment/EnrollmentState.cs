using System.Security.Cryptography;
using System.Text.Json;
using Portal.Connectors.Sites;

namespace Portal.Connectors.SiteAgent.Enrollment;

/// <summary>
/// state/enrollment.json: who the agent is at the portal, and the portal's order-signing key it pinned when it
/// enrolled (base64 SubjectPublicKeyInfo). Orders signed by any other key are refused, whatever the portal says later.
/// </summary>
public sealed record EnrollmentState
{
    public const string FileName = "enrollment.json";
    public const string KeyFileName = "agent.key";

    public required string AgentId { get; init; }
    public string Name { get; init; } = "";
    public required string Portal { get; init; }
    public required string OrderKey { get; init; }
    public string PortalId { get; init; } = "";
    public DateTimeOffset EnrolledAt { get; init; }

    public byte[] OrderKeyBytes() => Convert.FromBase64String(OrderKey);

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = true,
        WriteIndented = true,
    };

    public static bool Exists(string stateDirectory) => File.Exists(System.IO.Path.Combine(stateDirectory, FileName));

    public void Write(string stateDirectory)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        using var file = new FileStream(System.IO.Path.Combine(stateDirectory, FileName), options);
        JsonSerializer.Serialize(file, this, Json);
    }

    /// <exception cref="SiteAgentException">Not enrolled, or the files cannot be read.</exception>
    public static (EnrollmentState State, ECDsa Key) Load(string stateDirectory)
    {
        var path = System.IO.Path.Combine(stateDirectory, FileName);
        if (!File.Exists(path))
        {
            throw new SiteAgentException($"{path} does not exist: enroll the agent first (enroll --portal … --code … --state {stateDirectory})");
        }
        try
        {
            var state = JsonSerializer.Deserialize<EnrollmentState>(File.ReadAllText(path), Json)
                ?? throw new SiteAgentException($"{path} is empty");
            if (state.OrderKeyBytes().Length == 0)
            {
                throw new SiteAgentException($"{path} pins no order key");
            }
            return (state, SiteKeys.ReadPrivateKey(System.IO.Path.Combine(stateDirectory, KeyFileName)));
        }
        catch (Exception e) when (e is JsonException or FormatException or IOException or CryptographicException or ArgumentException)
        {
            throw new SiteAgentException($"the enrollment in {stateDirectory} cannot be read: {e.Message}");
        }
    }
}
