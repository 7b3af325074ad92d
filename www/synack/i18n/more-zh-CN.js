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
  "syn-queued": "另一个对端的 SYN 到达监听套接字：一个小小的 SYN 队列条目（半连接，SYN-RECEIVED）记下它并回复 SYN,ACK，而监听套接字本身仍处于 LISTEN。",
  "syn-queue-full": "SYN 队列（半连接队列）已满（最多容纳 backlog + 1 个半连接），且 SYN cookie 关闭：这个 SYN 被丢弃，没有任何回复，发送方只能重试。",
  "accept-queue-full": "accept 队列（全连接队列）已满（backlog + 1 个连接在等待 accept()）：Linux 丢弃这个 SYN，既不回 SYN,ACK 也不回 RST。",
  "accept-queue-full-ack": "这个 ACK 完成了握手，但 accept 队列已满：在 tcp_abort_on_overflow=0 时，Linux 丢弃这个 ACK，保留 SYN-RECEIVED 条目，由其定时器再次发送 SYN,ACK。客户端已经认为自己处于 ESTABLISHED。",
  "accept-queued": "这个 ACK 完成了一个排队中的握手：连接离开 SYN 队列，进入 accept 队列，等待应用程序调用 accept()。",
  "app-accept": "应用程序调用了 accept()：它从 accept 队列中取走最早的连接，队列因此空出一个位置。",
  "syn-queue-expired": "SYN,ACK 又发送了 tcp_synack_retries 次仍没有回应：这个 SYN 队列条目被丢弃，它的位置重新空出。",
  "syn-queue-reset": "一个针对半连接 SYN 队列条目的 RST：该条目被移除，监听套接字继续监听。",
  "syn-cookie": "SYN 队列已满，于是服务器用 SYN cookie 回复：它的 ISN 编码了客户端的 MSS、一个按分钟计的计数器，以及对地址和端口的带密钥哈希，服务器对这个 SYN 不保留任何记录。",
  "syn-cookie-ack": "这个 ACK 确认了一个 SYN cookie：ACK − 1 解码出一个新近的计数器和有效的 MSS，于是服务器仅凭这个 ACK 重建连接，从 LISTEN 直接进入 ESTABLISHED。",
  "other-peer": "来自另一台主机的报文段，不是图中画出的两个端点之一：同一服务器的另一个客户端，或是一个永远不会回应的伪造源地址。",
  "rst-unread-data": "应用程序在仍有已收到但未读取的字节时关闭了套接字：这些字节会被悄无声息地丢掉，于是用 RST（带 ACK 位，与 Linux 发送的一样）代替 FIN，连接立即消失。",
  "keepalive-probe": "连接空闲的时间已达到 keep-alive 时间：一个探测报文 <SEQ=SND.UNA-1><ACK=RCV.NXT>（不带数据）请对端回一个 ACK；活着的对端会回答它，因为 SND.UNA 之前的那个字节它早已收到。",
  "keepalive-timeout": "所有 keep-alive 探测都没有得到回答：对端被认为已经死亡，连接被重置（Linux 发送 <SEQ=SND.NXT><ACK=RCV.NXT><CTL=RST,ACK>），应用程序被告知连接超时。",
  "time-wait-new-syn": "一个新的 SYN 到达处于 TIME-WAIT 的连接，它的序号和时间戳都超出了旧连接的一切：它不可能是旧的重复报文，于是 TIME-WAIT 提前结束，监听套接字把这个 SYN 当作新连接接受（Linux 让新连接的 ISN 从旧的 SND.NXT + 65537 开始）。",
  "zero-window-probe": "对端的窗口为零，而数据还在等待：坚持计时器发出一个探测报文段，让对端的回答带上它的窗口（它的窗口更新可能丢失，而别的什么都不会再去询问）；每次探测后等待时间加倍，只要对端还在回答，就永不放弃。",
  "window-still-zero": "对探测的回答说窗口仍然为零：现在还不能发送，坚持计时器等待加倍的时间后再探测。",
  "window-update": "应用程序读走了等待的数据，接收窗口重新打开：立即用一个 ACK 告诉发送方（窗口至少增大了 min(缓冲区/2, MSS)）。",
  "fast-open-cookie-request": "应用程序用 MSG_FASTOPEN 调用 sendto()，在一次调用中完成连接和发送，但本机没有缓存这台服务器的 Fast Open cookie：SYN 带上一个空的 Fast Open 选项，即请求一个 cookie，数据等握手完成后再发。",
  "fast-open-cookie": "这个 SYN 请求 Fast Open cookie：SYN,ACK 带上一个 cookie，它是用只有这台服务器知道的密钥对客户端地址计算的哈希（Linux 上为 8 字节）。服务器什么也不保存：cookie 回来时，它重新计算一遍来校验。",
  "fast-open-cookie-cached": "SYN,ACK 确认了我们的 SYN，并带来一个 Fast Open cookie：客户端主机为这台服务器缓存它，供以后的连接使用。这次握手照常完成。",
  "fast-open-syn-data": "用 MSG_FASTOPEN 调用 sendto()，并且缓存中有这台服务器的 cookie：SYN 同时携带 cookie 和数据本身，请求不必等待握手完成。",
  "fast-open-accepted": "SYN 带回了有效的 cookie：它携带的数据在 SYN-RECEIVED 状态下就立即交给应用程序，SYN,ACK 确认这些数据（客户端 ISN + 1 + 数据长度）。服务器可以在握手的最后一个 ACK 到达之前就作出回答。",
  "fast-open-cookie-invalid": "SYN 的 cookie 校验不通过（服务器的密钥已经更换，或者 cookie 是伪造的）：它携带的数据被丢弃，SYN,ACK 只确认 SYN，并带上一个有效的 cookie。握手按普通方式继续。",
  "fast-open-data-acked": "SYN,ACK 确认了我们的 SYN 和其中的数据：请求在第一个往返时间内就已送达。握手完成。",
  "fast-open-data-resent": "SYN,ACK 确认了我们的 SYN，却没有确认它携带的数据（服务器拒绝了 cookie，或者只收到了重传的、不带数据的 SYN）：连接已经建立，数据立即重新发送，并捎带 ACK。",
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
  "keepalive-gave-up": "没有任何 keep-alive 探测得到回答，于是这一端认定沉默的对端已经死亡，放弃了连接（RFC 1122 §4.2.3.6）：没有 keep-alive，它会永远等下去。",
  "fin-wait-2-dropped": "一个已关闭的套接字在 FIN-WAIT-2 中等待对端的 FIN，在 Linux 的 tcp_fin_timeout（60 秒）之后被丢弃；RFC 的状态机会一直等下去。",
  "syn-queue-overflowed": "监听套接字的 SYN 队列已满，因此 SYN 被丢弃且没有任何回复（Linux 将其计入 ListenDrops）；发送方只能重试。",
  "syn-cookie-connection": "这个连接是从 SYN cookie 重建的（RFC 4987 §3.6）：在它的 SYN,ACK 与客户端的 ACK 之间，服务器没有保留任何状态。",
  "accept-queue-overflowed": "accept 队列已满，因此服务器丢弃了一个已完成握手的报文段（Linux ListenOverflows），而客户端已经认为自己处于 ESTABLISHED。",
};

// A comparison's words (compare.js).
export const ui = {
  fromPort: (port) => `来自端口 ${port}`,
  toPort: (port) => `发往端口 ${port}`,
  diagrams: "两张图",
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

/** 只有部分场景才有的生命线旁标注（layout.js）。 */
export const marks = {
  keepalive: "保活计时器",
  persist: "坚持计时器",
  synQueue: (n, places) => `半连接队列 ${n}/${places}`,
  acceptQueue: (n, places) => `全连接队列 ${n}/${places}`,
};

/** 只有部分场景才有的叙述（narrate.js）。 */
export const say = {
  noHost: (id) => `#${id} 发往图中没有画出的主机，图中没有谁接收它。`,
  cut: (id) => `#${id} 丢失：路径已断开，再也没有任何报文段能通过。`,
};

/** 在完整引擎中运行的场景的简介（标题在 zh-CN.js 中，供场景菜单使用）。 */
export const summaries = {
  "syn-flood": "来自永不回应的地址的伪造 SYN 填满了监听套接字的 SYN 队列（listen 的 backlog 为 2，即 3 个条目；SYN cookie 关闭）。真实客户端的 SYN 找不到位置，被悄无声息地丢弃；它不断重试，直到伪造的条目过期（服务器把每个 SYN,ACK 又发了 5 次之后，即 63 秒），才得以连接。",
  "syn-cookies": "同样的洪泛，但采用 Linux 的默认设置 tcp_syncookies=1：当 SYN 队列已满时，服务器用 SYN cookie 回复真实客户端，这个 ISN 编码了服务器之后需要记住的信息，而服务器不保留任何状态。客户端的 ACK 把 cookie 带回来，服务器据此重建连接。",
  "accept-queue-full": "应用程序没有调用 accept()，另外两个客户端填满了 accept 队列（backlog 为 1，即 2 个位置）。客户端完成了握手并认为自己处于 ESTABLISHED，但服务器丢弃它的 ACK 并再次发送 SYN,ACK（Linux tcp_abort_on_overflow=0），直到 accept() 腾出位置。",
  "close-with-unread-data": "服务器的应用程序没有读取已到达的请求就关闭了套接字。这些字节会被悄无声息地丢掉，所以服务器发送的不是 FIN 而是 RST（RFC 2525 §2.17，Linux 也是这样做的）：客户端立即得知连接被重置，而不是被关闭。",
  "time-wait-new-syn": "服务器先关闭，所以它这一端在 TIME-WAIT 中等待（Linux 上为 60 秒）。客户端随即从同一个端口再次连接。它的 SYN 超出了旧连接的一切（RFC 6191：更大的序号和时间戳），不可能是旧的重复报文：TIME-WAIT 提前结束，监听套接字建立新连接，其 ISN 高于旧连接的。",
  "keepalive": "客户端的主机在发出一个请求后断电，此后再没有任何东西从它那里到达。服务器开启了 keep-alive（SO_KEEPALIVE；采用 Linux 的时间：空闲 2 小时后开始探测，每 75 秒一次，共 9 次）：没有一次探测得到回答，于是 2 小时 11 分钟后服务器重置连接，并告诉它的应用程序连接超时。",
  "fin-wait-2-timeout": "客户端关闭，服务器确认了它的 FIN，但服务器的应用程序始终没有关闭。按 RFC，客户端会永远停留在 FIN-WAIT-2；Linux 在 tcp_fin_timeout（60 秒）之后丢弃这个孤儿套接字。当服务器的应用程序终于在 90 秒时关闭，它的 FIN 找不到任何连接，得到的回答是 RST。",
  "zero-window": "服务器的应用程序不读取数据，于是它的接收缓冲区（两个报文段，2920 字节）被填满，通告窗口为 0。客户端停止发送，它的坚持计时器用一个字节探测关闭的窗口，每次等待时间加倍。8 秒后应用程序读取数据，服务器的 ACK 打开窗口，其余数据随之而来。",
  "fast-open": "客户端在开启 TCP Fast Open 的情况下连接两次（RFC 7413；Linux tcp_fastopen=3），每次都用 MSG_FASTOPEN 调用 sendto()。第一个 SYN 请求 cookie，SYN,ACK 带来一个，请求照常等待握手完成。TIME-WAIT 结束后，第二个 SYN 带着缓存的 cookie 和请求本身：服务器校验 cookie，立即把请求交给应用程序，并在握手结束之前就作出回答，早了一个往返时间。",
};

/** 属性值有误时的提示，以及引擎的失败：只在元素需要显示时才获取（element.js，options.js 的 `problem`）。 */
export const errors = {
  whole: (name, v, max) => `${name}="${v}" 不是 0 到 ${max} 之间的整数`,
  numbers: (v) => `numbers="${v}" 只能是 relative、symbolic 或 absolute`,
  speed: (v) => `speed="${v}" 必须是大于 0、不超过 16 的数`,
  compare: (v) => `compare="${v}" 只能留空，或取 two-way、four-way（与三次握手并排对比），或取 linux、no-time-wait、abort（与原样的场景并排对比）`,
  handshake: (v) => `handshake="${v}" 只能是 two-way、three-way 或 four-way`,
  scenario: (v) => `scenario="${v}" 不在场景目录中`,
  theme: (v) => `theme="${v}" 只能是 light、dark 或 auto`,
  narration: (v) => `narration="${v}" 只能是 analogy，或不写`,
  unexpectedAnswer: (v) => `unexpected-answer="${v}" 只能是 ignore 或 reset`,
  start: (v) => `start="${v}" 只能是 end 或步骤编号`,
  engine: (message) => `无法加载 TCP 引擎：${message}`,
  run: (message) => `无法运行该场景：${message}`,
  crashed: "TCP 引擎因内部错误而停止：这是 synack 的缺陷（详情见浏览器控制台）。",
};
