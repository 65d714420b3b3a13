using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Data.Entities;

/// <summary>A resource an owner shares: a connector to the data, what each column is, and the conditions of its use.</summary>
public sealed class Dataset
{
    public Guid Id { get; set; }
    public Guid OwnerId { get; set; }
    public User? Owner { get; set; }

    public required string Name { get; set; }
    public string Description { get; set; } = "";
    public DatasetStatus Status { get; set; } = DatasetStatus.Draft;

    public required ConnectorSettings Connector { get; set; }

    /// <summary>The schema as read from the source, with the owner's classification of each column.</summary>
    public List<DatasetColumn> Columns { get; set; } = [];

    public DataUseConditions DataUse { get; set; } = new();

    public string TermsOfUse { get; set; } = "";
    public int TermsVersion { get; set; } = 1;

    /// <summary>The anonymization profile (JSON, validated by the connector library) and its version.</summary>
    public string? AnonymizationProfile { get; set; }
    public int ProfileVersion { get; set; }

    /// <summary>Default k for grants on this dataset.</summary>
    public int DefaultK { get; set; } = 5;

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? WithdrawnAt { get; set; }
    public string? WithdrawalReason { get; set; }

    public List<DatasetSteward> Stewards { get; set; } = [];
    public List<DatasetShare> Shares { get; set; } = [];
}

public enum DatasetStatus
{
    /// <summary>Registered, not yet visible to anyone but its owner and stewards.</summary>
    Draft,
    Active,

    /// <summary>No longer available: every grant on it stops working.</summary>
    Withdrawn,
}

public enum ConnectorKind
{
    PostgreSql,
    Csv,
    Parquet,

    /// <summary>Behind a site agent: the agent holds the source and its credentials; the portal names the site dataset only.</summary>
    Agent,
}

/// <summary>Where the data lives. Secrets are never stored in clear: the password is Data-Protection ciphertext.</summary>
public sealed class ConnectorSettings
{
    public ConnectorKind Kind { get; set; }

    // PostgreSQL sources: a host from the operator's allow-list, a table or view.
    public string? Host { get; set; }
    public int? Port { get; set; }
    public string? Database { get; set; }
    public string? Schema { get; set; }
    public string? Relation { get; set; }
    public string? Username { get; set; }
    public string? ProtectedPassword { get; set; }

    // File sources: a path relative to one of the operator's configured folders.
    public string? FilePath { get; set; }
    public string? Delimiter { get; set; }
    public string? Encoding { get; set; }

    // Agent sources: which agent, and the dataset's name in that agent's site policy.
    public Guid? AgentId { get; set; }
    public string? SiteDataset { get; set; }
}

/// <summary>One column as the owner classified it.</summary>
public sealed class DatasetColumn
{
    public required string Name { get; set; }
    public required string DataType { get; set; }
    public ColumnClass Classification { get; set; } = ColumnClass.Unclassified;
    public string? Description { get; set; }
}

public enum ColumnClass
{
    /// <summary>Not yet reviewed: such a column never leaves the source.</summary>
    Unclassified,
    DirectIdentifier,
    QuasiIdentifier,
    Sensitive,
    Other,
    Consent,
}

/// <summary>GA4GH Data Use Ontology conditions: one primary category, disease codes for DS, and modifiers.</summary>
public sealed class DataUseConditions
{
    /// <summary>NRES, GRU, HMB, DS or POA.</summary>
    public string Primary { get; set; } = "NRES";

    /// <summary>For DS: the diseases (e.g. ICD-10 "B20-B24" or MONDO IDs) the data may be used for.</summary>
    public List<string> Diseases { get; set; } = [];

    /// <summary>NCU, NPU, NPUNCU, IRB, GS, PUB, COL, TS, US, PS, RTN, NMDS …</summary>
    public List<string> Modifiers { get; set; } = [];
}

internal sealed class DatasetConfiguration : IEntityTypeConfiguration<Dataset>
{
    public void Configure(EntityTypeBuilder<Dataset> b)
    {
        b.ToTable("datasets", t =>
        {
            t.HasCheckConstraint("ck_dataset_k", "default_k >= 1");
            t.HasCheckConstraint("ck_dataset_withdrawn", "status <> 'Withdrawn' OR withdrawn_at IS NOT NULL");
        });
        b.HasIndex(d => d.OwnerId);
        b.HasIndex(d => new { d.OwnerId, d.Name }).IsUnique();
        b.Property(d => d.Name).HasMaxLength(200);
        b.Property(d => d.Description).HasMaxLength(8000);
        b.Property(d => d.TermsOfUse).HasMaxLength(20000);
        b.Property(d => d.WithdrawalReason).HasMaxLength(2000);
        b.Property(d => d.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(d => d.AnonymizationProfile).HasColumnType("jsonb");
        b.HasOne(d => d.Owner).WithMany().HasForeignKey(d => d.OwnerId).OnDelete(DeleteBehavior.Restrict);
        b.OwnsOne(d => d.Connector, c =>
        {
            c.ToJson("connector");
            c.Property(x => x.Kind).HasConversion<string>();
        });
        b.OwnsMany(d => d.Columns, c =>
        {
            c.ToJson("columns");
            c.Property(x => x.Classification).HasConversion<string>();
        });
        b.OwnsOne(d => d.DataUse, c => c.ToJson("data_use"));
    }
}
