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

    public static RouteGroupBuilder MapAudit(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var audit = api.MapGroup("/audit").WithTags("Audit");
        SearchAudit.Map(audit);
        ExportAudit.Map(audit);
        VerifyAuditChain.Map(audit);
        return api;
    }
}
