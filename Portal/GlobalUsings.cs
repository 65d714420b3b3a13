// Every slice uses the kernel (callers, refusals, paging) and the entities of the one DbContext: imported once here
// so that a feature's usings name only what it borrows from elsewhere (the architecture tests check those).
global using Portal.Data.Entities;
global using Portal.Kernel;
