namespace Portal.Features.Audit;

/// <summary>The audit trail: the log every feature writes to, and its review (/api/audit and the audit page).</summary>
public static class AuditFeature
{
    public static IServiceCollection AddAudit(this IServiceCollection services)
    {
        services.AddSingleton<AuditLog>();
        services.AddSingleton<AuditServices>();
        services.AddSingleton<RefusalAudit>();
        services.AddSingleton<IRefusalRecorder>(sp => sp.GetRequiredService<RefusalAudit>());
        services.AddHostedService(sp => sp.GetRequiredService<RefusalAudit>());
        return services;
    }

    /// <summary>No token reads the audit trail, whatever its scopes: it names people and what they did.</summary>
    private static readonly Failure TokensRefused =
        Failure.Forbidden("audit.read.browser_only", "The audit trail is read in a browser session, not with an API token.");

    public static RouteGroupBuilder MapAudit(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var audit = api.MapGroup("/audit").WithTags("Audit");
        SearchAudit.Map(audit).BrowserSessionOnly(TokensRefused);
        ExportAudit.Map(audit).BrowserSessionOnly(TokensRefused);
        VerifyAuditChain.Map(audit).BrowserSessionOnly(TokensRefused);
        return api;
    }
}
