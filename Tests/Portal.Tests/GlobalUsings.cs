// The portal kernel and entities, as the portal itself imports them (Portal/GlobalUsings.cs).
global using Portal.Data.Entities;
global using Portal.Kernel;
