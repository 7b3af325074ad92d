// 只有部分图才需要的中文文本（i18n.js 的 withMore）：较少用到的原因和结局说明
// （轨迹用到 zh-CN.js 中没有的键时才加载），以及对比图的文字。只展示握手或挥手的
// 页面不会下载这些内容。

export const reasons = {
  "app-close-early": "连接还未同步应用程序就关闭了：直接删除这个连接。",
  "app-abort": "应用程序中止了连接：用 RST 通知对方，并丢弃全部状态。",
  "crash": "主机崩溃：它丢失了这个连接的全部记录，却没有通知对方。",
  "two-way-commit": "两次握手（假设的反例，并非 TCP）：服务器一回应就认为连接已建立，之后再也没有任何报文段能证实客户端真的想要这个连接。",
  "four-way-ack": "四次握手：服务器先单独确认对方的 SYN，再另发自己的 SYN。",
  "four-way-syn": "四次握手：服务器自己的 SYN，单独放在一个报文段里发送。",
  "four-way-syn-acked": "四次握手：本方的 SYN 已被确认；客户端仍在等待服务器的 SYN。",
  "simultaneous-open": "本方的 SYN 尚未得到回应，又收到对方的 SYN（同时打开）：回应 SYN,ACK，等待本方的 SYN 被确认。",
  "simultaneous-syn-ack": "对方的 SYN,ACK 确认了本方的 SYN：连接已建立。其中的 SYN 先前已收到过，所以再确认一次。",
  "syn-ack-resent": "客户端的 SYN 又来了：本方的 SYN,ACK 可能丢失了（也可能是网络复制了 SYN），于是立即重发。",
  "rst-closed-port": "这里没有连接，而这个报文段没有 ACK 标志：用 <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK> 回应。",
  "rst-closed-port-ack": "这里没有连接，而这个报文段带有 ACK：复位报文段的序号取自它，即 <SEQ=SEG.ACK><CTL=RST>。",
  "rst-bad-ack": "这个 ACK 没有确认本方的 SYN（它回应的是本方从未发送的 SYN，或属于更早的连接）：用 <SEQ=SEG.ACK><CTL=RST> 拒绝。",
  "rst-ack-in-listen": "监听中的套接字只等待 SYN，不接受确认：用 <SEQ=SEG.ACK><CTL=RST> 回应。",
  "rst-data-after-close": "应用程序关闭套接字后又收到新数据：没有人会读取它，所以连接被复位，复位报文段像 Linux 那样取 <SEQ=SEG.ACK><CTL=RST>。",
  "refused": "收到确认本方 SYN 的 RST：连接被拒绝。",
  "reset-to-listen": "在 SYN-RECEIVED 状态收到复位：这个半连接（尚未完成握手）来自 LISTEN，于是回到 LISTEN。",
  "reset-received": "收到序号恰好符合预期的 RST：连接被复位。",
  "challenge-ack": "已同步的连接中收到 SYN：不轻信它，而是回一个挑战 ACK；真正重启过的对方会用 RST 回应它。",
  "challenge-ack-rst": "收到落在窗口内、但序号不恰好等于期望值的 RST：不轻信它，而是回一个挑战 ACK。",
  "syn-in-syn-received": "在 SYN-RECEIVED 状态又收到新的 SYN：被动打开的连接回到 LISTEN。",
  "delayed-ack": "延迟确认计时器到期，没有可以捎带确认的数据。",
  "unacceptable": "报文段落在接收窗口之外（重复的或走错路的）：丢弃它，并发送 ACK 说明期望的序号。",
  "out-of-order": "报文段的起始序号超过了期望的下一个字节：本引擎不缓存它，而是用重复确认要求补上缺口。",
  "ack-of-unsent": "这个 ACK 确认了本方从未发送的数据：丢弃它并发送 ACK。",
  "bad-ack-syn-received": "在 SYN-RECEIVED 状态，这个 ACK 没有确认本方的 SYN：用复位拒绝它。",
  "fin-and-ack-received": "对方的 FIN 同时确认了本方的 FIN：从 FIN-WAIT-1 直接进入 TIME-WAIT。",
  "simultaneous-close": "对方的 FIN 与本方的 FIN 交错而过（它没有确认本方的 FIN）：同时关闭，进入 CLOSING。",
  "closing-acked": "在 CLOSING 状态本方的 FIN 得到确认：进入 TIME-WAIT 等待。",
  "time-wait-reack": "在 TIME-WAIT 中收到重传的 FIN：说明本方最后的 ACK 丢失了，于是再确认一次，并重新开始 TIME-WAIT 计时。",
  "fin-wait-2-timeout": "应用程序早已关闭套接字，对方却一直没有发来 FIN：Linux 把连接从 FIN-WAIT-2 中删除，不通知对方。",
  "time-wait-skipped": "反事实：没有 TIME-WAIT。这一方一发出最后的 ACK 就忘掉这个连接；如果这个 ACK 丢失，对方重发的 FIN 会遇到一个关闭的端口。",
  "retransmission": "重传计时器在收到确认之前超时：用原来的序号重传最早未被确认的报文段，并把超时时间加倍。",
  "retransmission-limit": "多次重传都没有等到所期待的确认（即使有回应，确认的也是别的东西）：放弃连接，并告知应用程序连接超时。",
  "handshake-timeout-listen": "握手始终没有完成：丢弃这个半连接（SYN-RECEIVED 条目），应用程序对此一无所知，套接字继续监听。",
  "ignored-rst": "与本连接不匹配的 RST 被忽略。",
  "ignored": "这个报文段在当前状态下没有任何作用：丢弃。",
  "no-ack-bit": "已同步的状态下，没有 ACK 标志的报文段被丢弃。",
  "two-way-ignored": "两次握手（假设的反例）：客户端并没有请求这个回应（它确认的是另一个初始序号），于是默默忽略它。",
  "client-silent": "客户端对这个回应一言不发：它回应的是一个客户端从未发送的 SYN（这是这里选定的规则，好比客户端已经崩溃，或它的复位报文段丢失了；真正的 TCP 会复位它）。",
  "duplicate-ack": "这个 ACK 没有确认任何新数据。",
  "stale-duplicate": "一个已失效的旧报文段：它来自此前的一个连接，在网络中滞留，现在才到达。",
  "script-segment": "脚本中的远端按其 `<` 行所写的原样发送这个报文段；它不是由 TCP 端点计算出来的。",
};

export const facts = {
  "server-holds-unwanted-connection": "服务器保持着一个没有任何客户端请求的 ESTABLISHED 连接：它的资源白白被占用。",
  "server-holds-half-open-connection": "服务器仍保持着一个客户端已经不在的 ESTABLISHED 连接（半开连接）：在它发送数据之前不会察觉。",
  "stale-connection-rejected": "客户端复位了这个它并未请求的连接；服务器尚未为它投入资源，回到 LISTEN，它的应用程序对此一无所知。",
  "server-accepted-unwanted-connection": "在任何报文段确认服务器自己的初始序号之前，服务器就把一个没有客户端请求的连接交给了应用程序；随后客户端的复位又把它收回。",
  "unconfirmed-connection-dropped": "服务器丢弃了一个没有得到任何确认的半连接（SYN-RECEIVED）：它的应用程序对此一无所知。",
  "timed-out": "连接被放弃：它的重传始终没有等到所期待的确认。",
  "refused": "连接被复位报文段拒绝。",
  "reset": "连接被复位。",
  "client-locked-out": "图到这里为止，但之后也不会有变化：客户端每次重传的 SYN 都撞上那个过期的连接，它只能一直重试，直到放弃。",
  "truncated": "运行达到时间或事件上限而停止。",
};

// A comparison's words (compare.js).
export const ui = {
  sameNetwork: "同一网络条件",
  unchanged: "这一步此图没有变化，仍是：",
  assume: {
    ignore: "假设：对于回应它从未发送的 SYN 的报文段，客户端一言不发，好比它已经崩溃（真正的 TCP 会复位它）。",
    reset: "假设：对于回应它从未发送的 SYN 的报文段，客户端像真正的 TCP 那样以复位回应（RFC 9293 §3.10.7.3）。",
  },
  variants: {
    linux: ["Linux 的默认设置", "RFC 9293"],
    "no-time-wait": ["没有 TIME-WAIT（反事实）", "有 TIME-WAIT"],
    abort: ["abort()：复位", "close()：FIN"],
  },
  differs: {
    linux: "左边两端都用 Linux 的默认设置（SYN 里的选项、延迟确认、200 毫秒的最小 RTO、固定 60 秒的 TIME-WAIT）；右边用 RFC 的。",
    "no-time-wait": "左边先关闭的一方一发出最后的 ACK 就忘掉连接，实际上没有哪个 TCP 这样做；右边它在 TIME-WAIT 中等待（RFC 9293 §3.10.8）。",
    abort: "左边应用在本该 close() 的地方 abort()：发出 RST，未发送和未读取的数据都丢失（RFC 9293 §3.10.5）；右边 close() 发出 FIN。",
  },
  ruleLabel: "客户端的规则",
  rule: { ignore: "一言不发", reset: "复位（TCP）" },
};
