using System.Text.Json;
using Portal.Data;

namespace Portal.Features.Audit;

/// <summary>Adds audit events to the caller's unit of work, so an event commits (or not) with the change it records.</summary>
public sealed class AuditLog(TimeProvider time)
{
    public AuditEvent Add(PortalDb db, string type, AuditOutcome outcome, AuditActor actor,
        Guid? voId = null, Guid? datasetId = null, Guid? grantId = null, string? reason = null, object? details = null)
    {
        var e = new AuditEvent
        {
            Type = type,
            Outcome = outcome,
            OccurredAt = time.GetUtcNow(),
            ActorUserId = actor.UserId,
            ActorName = actor.Name,
            ActorIp = actor.Ip,
            ApiTokenId = actor.ApiTokenId,
            VoId = voId,
            DatasetId = datasetId,
            GrantId = grantId,
            Reason = reason,
            Details = details is null ? null : JsonSerializer.SerializeToDocument(details, details.GetType(), JsonOptions),
        };
        db.AuditEvents.Add(e);
        return e;
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
}
