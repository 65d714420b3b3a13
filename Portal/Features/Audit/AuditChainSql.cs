namespace Portal.Features.Audit;

/// <summary>
/// The SQL that makes the audit log tamper-evident. Each row's hash is SHA-256 over the previous row's hash followed
/// by the row's canonical text: every field length-prefixed, so no choice of values can make two rows read alike.
/// </summary>
public static class AuditChainSql
{
    /// <summary>Canonical text of the row aliased <c>e</c>. The verifier recomputes it from its own copy of this text.</summary>
    public const string Canonical = """
        concat_ws('|',
          e.chain_seq::text,
          e.id::text,
          to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
          length(e.type) || ':' || e.type,
          length(e.outcome) || ':' || e.outcome,
          coalesce(e.actor_user_id::text, '-'),
          coalesce(length(e.actor_name) || ':' || e.actor_name, '-'),
          coalesce(length(e.actor_ip) || ':' || e.actor_ip, '-'),
          coalesce(e.api_token_id::text, '-'),
          coalesce(e.vo_id::text, '-'),
          coalesce(e.dataset_id::text, '-'),
          coalesce(e.grant_id::text, '-'),
          coalesce(length(e.reason) || ':' || e.reason, '-'),
          coalesce(length(e.details::text) || ':' || e.details::text, '-'))
        """;

    /// <summary>Any key will do as long as nothing else in the database takes the same advisory lock.</summary>
    public const long LockKey = 0x617564697463686E; // "auditchn"

    public static readonly string Install = $"""
        CREATE FUNCTION audit_chain_append() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
          last record;
          e audit_events;
        BEGIN
          PERFORM pg_advisory_xact_lock({LockKey});
          SELECT chain_seq, hash INTO last FROM audit_events WHERE chain_seq IS NOT NULL ORDER BY chain_seq DESC LIMIT 1;
          NEW.chain_seq := coalesce(last.chain_seq, 0) + 1;
          NEW.previous_hash := coalesce(last.hash, '\x'::bytea);
          e := NEW;
          NEW.hash := sha256(NEW.previous_hash || convert_to({Canonical}, 'UTF8'));
          RETURN NEW;
        END
        $$;

        CREATE TRIGGER audit_events_chain BEFORE INSERT ON audit_events
          FOR EACH ROW EXECUTE FUNCTION audit_chain_append();

        CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
        END
        $$;

        CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
          FOR EACH ROW EXECUTE FUNCTION audit_append_only();
        CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
          FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
        REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM PUBLIC;
        """;

    public const string Uninstall = """
        DROP TRIGGER audit_events_no_truncate ON audit_events;
        DROP TRIGGER audit_events_append_only ON audit_events;
        DROP FUNCTION audit_append_only();
        DROP TRIGGER audit_events_chain ON audit_events;
        DROP FUNCTION audit_chain_append();
        """;
}
