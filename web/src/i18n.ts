// Chinese first, English on request. Every string a person reads comes from here.

export type Lang = "zh" | "en";

const TEXT = {
  title: ["一网 · 徐汇区数字治理平台", "yiwang · Xuhui District digital governance"],
  login: ["登录", "Log in"],
  username: ["用户名", "Username"],
  password: ["密码", "Password"],
  signin: ["登录", "Log in"],
  logout: ["退出登录", "Log out"],
  switchLang: ["English", "中文"],
  apidocs: ["接口文档", "API documentation"],
  loading: ["加载中…", "Loading…"],
  // navigation
  navHome: ["首页", "Home"],
  navMap: ["地图", "Map"],
  navCases: ["案件工作台", "Case workbench"],
  navIntake: ["热线受理", "Hotline intake"],
  navDashboard: ["指标看板", "Dashboard"],
  navAdmin: ["系统管理", "Administration"],
  // home
  overview: ["全区概况", "District overview"],
  streets: ["街镇", "Streets and towns"],
  code: ["代码", "Code"],
  name: ["名称", "Name"],
  area: ["面积 (km²)", "Area (km²)"],
  noOverview: ["您的角色无权查看全区概况。", "Your roles do not include the district overview."],
  myWork: ["我的工作", "My work"],
  workCount: ["{n} 件", "{n} cases"],
  noWork: ["暂无待办。", "Nothing waiting for you."],
  overdueCount: ["其中超期 {n} 件", "{n} overdue"],
  // stats labels
  "stat.streets": ["街镇", "Streets/towns"],
  "stat.areas": ["片区", "Areas (片区)"],
  "stat.communities": ["居民区", "Communities"],
  "stat.micro_grids": ["微网格", "Micro-grids"],
  "stat.building_groups": ["楼组", "Building groups"],
  "stat.compounds": ["小区园区", "Compounds"],
  "stat.buildings": ["楼栋", "Buildings"],
  "stat.rooms": ["房间", "Rooms"],
  "stat.persons": ["实有人口", "Persons"],
  "stat.housing": ["实有房屋", "Housing"],
  "stat.units": ["实有单位", "Units"],
  "stat.departments": ["部门", "Departments"],
  "stat.cases": ["案件", "Cases"],
  // map
  layers: ["图层", "Layers"],
  legendOverdue: ["超期案件", "Overdue cases"],
  legendOpen: ["在办案件", "Other cases"],
  legendBuilding: ["楼栋", "Buildings"],
  "layer.streets": ["街镇", "Streets/towns"],
  "layer.areas": ["片区", "Areas"],
  "layer.communities": ["居民区", "Communities"],
  "layer.micro_grids": ["微网格", "Micro-grids"],
  "layer.building_groups": ["楼组", "Building groups"],
  "layer.roads": ["道路", "Roads"],
  "layer.buildings": ["楼栋", "Buildings"],
  "layer.cases": ["案件", "Cases"],
  searchAddress: ["搜索地址", "Search an address"],
  searchPlaceholder: ["输入地址，如 漕溪北路88号", "Type an address, e.g. 漕溪北路88号"],
  details: ["详情", "Details"],
  gridChain: ["网格链", "Grid chain"],
  staff: ["网格力量", "Grid staff"],
  nearestPremises: ["最近的房屋", "Nearest premises"],
  clickHint: ["点击地图查看网格、楼栋或案件详情。", "Click the map for the grid, a building or a case."],
  outsideDistrict: ["此处不在徐汇区内。", "This point is outside Xuhui District."],
  cluster: ["{n} 件案件（{o} 件超期），放大查看。", "{n} cases ({o} overdue); zoom in to see them."],
  mapFailed: ["地图无法显示：{msg}", "The map cannot be shown: {msg}"],
  // premises
  premises: ["房屋档案", "Premises dossier"],
  standardAddress: ["标准地址", "Standard address"],
  kind: ["类型", "Kind"],
  children: ["下级房屋", "Premises inside"],
  openDossier: ["打开档案", "Open dossier"],
  showOnMap: ["在地图上查看", "Show on the map"],
  casesHere: ["此处的案件：{n} 件", "Cases here: {n}"],
  accounts: ["账号管理", "Accounts"],
  displayName: ["显示名称", "Display name"],
  roles: ["角色", "Roles"],
  orgCode: ["所属部门或街镇", "Department or street"],
  accountActive: ["启用", "active"],
  accountDisabled: ["已停用", "disabled"],
  newAccount: ["新建账号", "New account"],
  createAccount: ["创建账号", "Create account"],
  accountCreated: ["已创建账号 {user}。", "Account {user} created."],
  issueApiKey: ["发放 API 密钥", "Issue an API key"],
  apiKeyLabel: ["控制台发放", "issued in the console"],
  apiKeyIssued: ["已为 {user} 发放 API 密钥（只显示这一次，请妥善保存）：{key}", "API key for {user} (shown this once; keep it safe): {key}"],
  mergedInto: ["已并单至", "Merged into"],
  mergedRepeats: ["并入此案的重复诉求：{n} 件", "Repeats merged into this case: {n}"],
  chartOf: ["图表指标", "Chart of"],
  searchCases: ["案件内容", "Case text"],
  searchCasesHint: ["如 井盖 松动", "e.g. 井盖 松动"],
  registers: ["三个实有与住所云", "Registers and 住所云 attestations"],
  roomsInside: ["房间数", "Rooms"],
  residents: ["实有人口", "Residents"],
  dwellings: ["实有房屋", "Dwellings"],
  unitsHere: ["实有单位：{n} 家", "Units registered: {n}"],
  attestations: ["住所云核验", "Attestations"],
  noAttestations: ["暂无可查看的核验记录。", "No attestation you may read."],
  none: ["无", "none"],
  mainMenu: ["主菜单", "Main menu"],
  // cases
  caseNo: ["案件编号", "Case no."],
  state: ["状态", "State"],
  category: ["类别", "Category"],
  address: ["地址", "Address"],
  department: ["责任部门", "Department"],
  street: ["街镇", "Street"],
  deadline: ["办结时限", "Deadline"],
  stageDeadline: ["本环节时限", "Stage deadline"],
  received: ["受理时间", "Received"],
  text: ["诉求内容", "Request"],
  reporter: ["来电人", "Caller"],
  reply: ["答复", "Reply"],
  satisfaction: ["满意度", "Satisfaction"],
  timeline: ["办理过程", "Timeline"],
  actions: ["可执行操作", "Actions"],
  noActions: ["您当前无可执行的操作。", "There is nothing for you to do on this case now."],
  allStates: ["全部状态", "All states"],
  allSources: ["全部来源", "All sources"],
  source: ["来源", "Source"],
  "source.hotline": ["12345 热线", "12345 hotline"],
  "source.grid_patrol": ["网格巡查", "grid patrol"],
  "source.sensor": ["物联感知", "sensor"],
  "source.citizen": ["市民上报", "citizen"],
  onlyOverdue: ["仅超期", "Overdue only"],
  onlySupervised: ["仅督办", "Supervised only"],
  filter: ["筛选", "Filter"],
  total: ["共 {n} 件", "{n} in all"],
  range: ["第 {a}–{b} 件，共 {n} 件", "{a}–{b} of {n}"],
  previousPage: ["上一页", "Previous"],
  nextPage: ["下一页", "Next"],
  firstPage: ["回到第一页", "Back to the first page"],
  noCases: ["没有符合条件的案件。", "No cases match."],
  selectCase: ["选择左侧案件查看详情。", "Select a case on the left to see it."],
  overdue: ["超期", "overdue"],
  warning: ["临期", "due soon"],
  onTime: ["正常", "on time"],
  supervisedFlag: ["督办", "supervised"],
  done: ["已完成：{action}。", "Done: {action}."],
  routedTo: ["派往 {dept}", "Routed to {dept}"],
  suggestedRoute: ["责任矩阵建议", "Responsibility matrix"],
  assisting: ["协办", "assisting"],
  "queue.mine": ["我的待办", "My queue"],
  "queue.all": ["全部", "All"],
  // action inputs
  "input.reply": ["答复内容（告诉来电人做了什么）", "Reply (what was done, for the caller)"],
  "input.reason": ["理由", "Reason"],
  "input.department": ["责任部门（留空则按责任矩阵：{current}）", "Department (empty: the responsibility matrix, {current})"],
  "input.satisfaction": ["来电人满意度", "Caller's satisfaction"],
  "input.outcome": ["核实结果", "Verification outcome"],
  "input.comment": ["备注", "Comment"],
  "input.category_code": ["类别小类代码（留空则保持 {current}）", "Subclass code (empty: keep {current})"],
  "input.parent_id": ["并入案件 ID", "Merge into case id"],
  "input.extension": ["延长工作日数", "Extra working days"],
  "sat.satisfied": ["满意", "satisfied"],
  "sat.basically_satisfied": ["基本满意", "basically satisfied"],
  "sat.unsatisfied": ["不满意", "unsatisfied"],
  "outcome.confirmed": ["属实", "confirmed"],
  "outcome.not_found": ["不属实", "not found"],
  "outcome.unable": ["无法核实", "unable to verify"],
  // intake
  intakeTitle: ["热线受理：新建案件", "Hotline intake: new case"],
  requestType: ["诉求类型", "Request type"],
  reporterName: ["来电人姓名", "Caller's name"],
  reporterPhone: ["来电号码", "Caller's phone"],
  matchConfidence: ["匹配度 {p}%", "match {p}%"],
  noMatch: ["未在房屋库中找到该地址；仍可登记，案件将无定位。", "No premises matches; the case can still be taken, unlocated."],
  categoryGuess: ["类别建议", "Suggested category"],
  submitCase: ["登记案件", "Take the case"],
  caseCreated: ["已登记案件 {no}", "Case {no} taken"],
  duplicateOf: ["与在办案件 {id} 重复，已并单：{reason}", "Repeats open case {id}; merged: {reason}"],
  openCase: ["打开案件", "Open the case"],
  previewTitle: ["系统研判", "What intake will do"],
  duplicateWarning: ["疑似重复：与在办案件 {id} 相同（{reason}），登记后将并单。", "Likely a repeat of open case {id} ({reason}); it will be merged into it."],
  // dashboard
  dashTitle: ["案件指标", "Case KPIs"],
  groupBy: ["分组", "Group by"],
  "by.street": ["街镇", "Street"],
  "by.area": ["片区", "Area (片区)"],
  "by.department": ["部门", "Department"],
  "by.month": ["月份", "Month"],
  "by.source": ["来源", "Source"],
  from: ["起", "From"],
  to: ["止", "To"],
  show: ["查询", "Show"],
  districtTotal: ["全区合计", "District total"],
  "preset.month": ["本月", "This month"],
  "preset.quarter": ["本季度", "This quarter"],
  "preset.year": ["本年", "This year"],
  "preset.last30": ["近 30 天", "Last 30 days"],
  exportXlsx: ["导出 Excel", "Export XLSX"],
  exportCsv: ["导出 CSV", "Export CSV"],
  "kpi.received": ["受理量", "Received"],
  "kpi.closed": ["结案量", "Closed"],
  "kpi.on_time_closed_rate": ["按期结案率", "Closed on time"],
  "kpi.closed_rate": ["结案率", "Closure rate"],
  "kpi.overdue_open": ["超期在办", "Open and overdue"],
  "kpi.repeat_rate": ["重复率", "Repeat rate"],
  "kpi.resolution_rate": ["解决率", "Resolution rate"],
  "kpi.average_handling_hours": ["平均处置时长 (小时)", "Average handling (hours)"],
  "kpi.satisfaction_rate": ["满意率", "Satisfaction"],
  "kpi.revisited": ["回访量", "Revisited"],
  "kpi.rework_rate": ["返工率", "Rework rate"],
  problemLists: ["片区问题清单", "Problem lists of an area"],
  hotSpots: ["急难愁盼", "Hot spots"],
  bottlenecks: ["治理瓶颈", "Bottlenecks"],
  // admin
  routingMatrix: ["责任矩阵", "Responsibility matrix"],
  calendar: ["工作日历", "Working calendar"],
  yearsCovered: ["覆盖年份 {a}–{b}", "Years covered {a}–{b}"],
  subclass: ["小类", "Subclass"],
  lead: ["主办", "Lead"],
  date: ["日期", "Date"],
  note: ["说明", "Note"],
  save: ["保存", "Save"],
  totalRules: ["共 {n} 条规则", "{n} rules"],
  "kind.event": ["事件", "event"],
  "kind.component": ["部件", "component"],
  editRouting: ["新增或修改规则", "Add or change rules"],
  routingCsvHelp: ["CSV，每行一条：类型(event/component)、小类代码、街镇代码（空为全区）、主办、协办（以 ; 分隔；属地街镇 表示案件所在街道）",
    "CSV, one rule a line: kind (event/component), subclass code, street code (empty: whole district), lead, assisting (separated by ;, 属地街镇 for the case's street office)"],
  rulesChanged: ["已保存：{n} 条规则新增或修改。", "Saved: {n} rules added or changed."],
  addDay: ["增加节假日或调休日", "Add a holiday or a make-up working day"],
  dayHoliday: ["休息日", "holiday"],
  dayWorkday: ["调休上班", "working day"],
  daySaved: ["已保存 {date}，此后计算的办结时限按新日历。", "Saved {date}; deadlines computed from now on use it."],
  notAllowed: ["您的角色无权使用此页面。", "Your roles do not give access to this page."],
  sessionExpired: ["登录已失效，请重新登录。", "Your session has ended; please log in again."],
  // problem codes → what a person can do
  "problem.invalid_credentials": ["用户名或密码不正确，请重新输入。", "Wrong username or password; please try again."],
  "problem.permission_denied": ["您的角色无权执行此操作。", "Your roles do not allow this."],
  "problem.action_not_allowed": ["案件当前状态下不能执行此操作，页面已刷新。", "The case's state does not allow this now; the page has been refreshed."],
  "problem.case_changed": ["案件已被他人更新，请刷新后重试。", "Someone else changed the case; reload and try again."],
  "problem.invalid_action_input": ["缺少必要的信息：", "Some input is missing: "],
  "problem.database_unavailable": ["数据库暂时不可用，请稍后重试。", "The database is unavailable; try again shortly."],
  "problem.network": ["无法连接服务器，请检查网络后重试。", "Cannot reach the server; check the connection and try again."],
} as const satisfies Record<string, readonly [string, string]>;

export type TextKey = keyof typeof TEXT;

let current: Lang = readLang();

function readLang(): Lang {
  try {
    return globalThis.localStorage?.getItem("yiwang.lang") === "en" ? "en" : "zh";
  } catch {
    return "zh";
  }
}

export function lang(): Lang {
  return current;
}

export function setLang(next: Lang): void {
  current = next;
  try {
    globalThis.localStorage?.setItem("yiwang.lang", next);
  } catch {
    /* private mode: the choice lasts for this page only */
  }
}

/** The text for `key` in the current language, with `{name}` placeholders filled in. */
export function t(key: TextKey, vars: Record<string, string | number> = {}, language: Lang = current): string {
  // Keys built from server values (`sat.${…}`) may name no text: show the value's key then.
  const pair: readonly [string, string] | undefined = TEXT[key];
  if (!pair) return key;
  const text: string = pair[language === "zh" ? 0 : 1];
  return text.replace(/\{(\w+)\}/g, (_, name: string) => (name in vars ? String(vars[name]) : `{${name}}`));
}

/** Whether `key` names a text (for codes that come from the server). */
export function hasText(key: string): key is TextKey {
  return Object.prototype.hasOwnProperty.call(TEXT, key);
}
