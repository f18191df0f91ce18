// A channel's scripts on their way to another thread. Tcl objects belong to
// the thread that made them (and a script object is often shared with that
// thread's interpreter, as a literal), so the thread a channel leaves drops
// its references and keeps only the text; the thread that uses the channel
// next makes new objects from it.

extension KeptOptions {
    struct Scripts {
        let command: String?
        let validateCommand: String?
    }

    /// In the thread the channel leaves: drops every Tcl object.
    mutating func leaveThread() -> Scripts {
        let scripts = Scripts(command: command.map { TclObjects.toString($0.obj) },
                              validateCommand: validateCommand.map { TclObjects.toString($0.obj) })
        command = nil
        validateCommand = nil
        return scripts
    }

    /// In the thread that uses the channel next: the scripts as its objects.
    mutating func enterThread(_ scripts: Scripts) {
        command = scripts.command.map { RetainedObj(TclObjects.string($0)) }
        validateCommand = scripts.validateCommand.map { RetainedObj(TclObjects.string($0)) }
    }
}
