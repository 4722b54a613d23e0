; hrvdesk: Windows installer (Inno Setup 6.4 or later; 6.4 brought the Swedish messages).
;
; Build the one-folder application first (packaging/README.md), then, from the repository root:
;     ISCC packaging\windows\hrvdesk.iss
; which writes dist\hrvdesk-<version>-setup.exe. The version is read from the built
; hrvdesk-gui.exe; /DDistDir=<folder> compiles from another build folder.
;
; Per-machine install into Program Files; it needs administrator rights.
; Silent install for IT (software distribution):
;     hrvdesk-<version>-setup.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART [/DIR="C:\Program Files\hrvdesk"] [/LANG=sv|en] [/TASKS=desktopicon] [/LOG="C:\Temp\hrvdesk-setup.log"]
; Silent uninstall:
;     "C:\Program Files\hrvdesk\unins000.exe" /VERYSILENT /SUPPRESSMSGBOXES /NORESTART
;
; The users' data is never in the install folder: each user's databases (NAME.db with its
; NAME.db.keys), backups and exports are files the user chose, by default under the user's
; own data folder (platformdirs: %LOCALAPPDATA%\hrvdesk), and the workstation settings are in
; %LOCALAPPDATA%\hrvdesk\settings.json. Uninstalling removes only what this installer
; installed; all of that stays.

#define AppName "hrvdesk"
#define AppPublisher "hrvdesk developers"
#ifndef DistDir
  #define DistDir AddBackslash(SourcePath) + "..\..\dist\hrvdesk"
#endif
#define AppExe AddBackslash(DistDir) + "hrvdesk-gui.exe"
#if !FileExists(AppExe)
  #error The build is missing: run "pyinstaller --noconfirm packaging\hrvdesk.spec" first (packaging\README.md).
#endif
#define AppVersion GetStringFileInfo(AppExe, "ProductVersion")
#define AppNumericVersion GetVersionNumbersString(AppExe)

[Setup]
; The AppId identifies hrvdesk to Windows across versions: never change it.
AppId={{C590EA5A-29EF-4C3A-8198-95DC64C98EE5}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppPublisher}
VersionInfoVersion={#AppNumericVersion}
VersionInfoProductVersion={#AppNumericVersion}
VersionInfoDescription={#AppName} Setup
; Per machine, for every user of the workstation.
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
DefaultDirName={autopf}\{#AppName}
UninstallDisplayName={#AppName} {#AppVersion}
UninstallDisplayIcon={app}\hrvdesk-gui.exe
SetupIconFile={#SourcePath}..\..\resources\hrvdesk.ico
OutputDir={#SourcePath}..\..\dist
OutputBaseFilename={#AppName}-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ShowLanguageDialog=auto
; A running hrvdesk is asked to close before its files are replaced; it is not restarted.
CloseApplications=yes
RestartApplications=no
SetupLogging=yes

[Languages]
; Swedish first: it is chosen when the Windows display language is neither of the two.
Name: "sv"; MessagesFile: "compiler:Languages\Swedish.isl"
Name: "en"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
sv.DataKept=hrvdesk har tagits bort från datorn. Databaser, nyckelfiler, säkerhetskopior och inställningar har inte tagits bort: de finns kvar där de sparades (som standard i varje användares mapp %LOCALAPPDATA%\hrvdesk).
en.DataKept=hrvdesk has been removed from this computer. Databases, key files, backups and settings have not been removed: they stay where they were saved (by default in each user's %LOCALAPPDATA%\hrvdesk folder).

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An update replaces the whole program folder's contents, so no library of an older version
; stays beside the new ones. (User data is never here.)
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#DistDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\hrvdesk-gui.exe"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\hrvdesk-gui.exe"; Tasks: desktopicon

[Run]
; Offered at the end of an interactive install; runs as the user who started Setup, not as administrator.
Filename: "{app}\hrvdesk-gui.exe"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; [UninstallDelete] is deliberately absent: the uninstaller removes only the files installed
; above, never a database, key file, backup, export or settings file.

[Code]
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if (CurUninstallStep = usPostUninstall) and not UninstallSilent then
    MsgBox(ExpandConstant('{cm:DataKept}'), mbInformation, MB_OK);
end;
